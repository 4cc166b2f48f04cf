-- TPC-H Q3, Shipping Priority (specification v3.0.1, clause 2.4.3), with the validation
-- substitution parameters of 2.4.3.4: SEGMENT = BUILDING, DATE = 1995-03-15.
--
-- Official form (2.4.3.2; "Return the first 10 selected rows"):
--   select l_orderkey, sum(l_extendedprice*(1-l_discount)) as revenue,
--          o_orderdate, o_shippriority
--   from customer, orders, lineitem
--   where c_mktsegment = '[SEGMENT]' and c_custkey = o_custkey
--     and l_orderkey = o_orderkey and o_orderdate < date '[DATE]'
--     and l_shipdate > date '[DATE]'
--   group by l_orderkey, o_orderdate, o_shippriority
--   order by revenue desc, o_orderdate;
--
-- Changed for SQLite: date literals are ISO strings ('1995-03-15' for date '1995-03-15');
-- "the first 10 selected rows" is limit 10.
select
    l_orderkey,
    sum(l_extendedprice * (1 - l_discount)) as revenue,
    o_orderdate,
    o_shippriority
from
    customer,
    orders,
    lineitem
where
    c_mktsegment = 'BUILDING'
    and c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and o_orderdate < '1995-03-15'
    and l_shipdate > '1995-03-15'
group by
    l_orderkey,
    o_orderdate,
    o_shippriority
order by
    revenue desc,
    o_orderdate
limit 10;
