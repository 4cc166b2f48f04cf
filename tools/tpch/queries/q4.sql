-- TPC-H Q4, Order Priority Checking (specification v3.0.1, clause 2.4.4), with the validation
-- substitution parameter of 2.4.4.4: DATE = 1993-07-01.
--
-- Official form (2.4.4.2):
--   select o_orderpriority, count(*) as order_count
--   from orders
--   where o_orderdate >= date '[DATE]'
--     and o_orderdate < date '[DATE]' + interval '3' month
--     and exists (select * from lineitem
--                 where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
--   group by o_orderpriority
--   order by o_orderpriority;
--
-- Changed for SQLite: date literals are ISO strings and the interval is
-- date('1993-07-01', '+3 months').
select
    o_orderpriority,
    count(*) as order_count
from
    orders
where
    o_orderdate >= '1993-07-01'
    and o_orderdate < date('1993-07-01', '+3 months')
    and exists (
        select
            *
        from
            lineitem
        where
            l_orderkey = o_orderkey
            and l_commitdate < l_receiptdate
    )
group by
    o_orderpriority
order by
    o_orderpriority;
