-- TPC-H Q10, Returned Item Reporting (specification v3.0.1, clause 2.4.10), with the
-- validation substitution parameter of 2.4.10.4: DATE = 1993-10-01.
--
-- Official form (2.4.10.2; "Return the first 20 selected rows"):
--   select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue,
--          c_acctbal, n_name, c_address, c_phone, c_comment
--   from customer, orders, lineitem, nation
--   where c_custkey = o_custkey and l_orderkey = o_orderkey
--     and o_orderdate >= date '[DATE]'
--     and o_orderdate < date '[DATE]' + interval '3' month
--     and l_returnflag = 'R' and c_nationkey = n_nationkey
--   group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
--   order by revenue desc;
--
-- Changed for SQLite: date literals are ISO strings, the interval is
-- date('1993-10-01', '+3 months'), and "the first 20 selected rows" is limit 20.
select
    c_custkey,
    c_name,
    sum(l_extendedprice * (1 - l_discount)) as revenue,
    c_acctbal,
    n_name,
    c_address,
    c_phone,
    c_comment
from
    customer,
    orders,
    lineitem,
    nation
where
    c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and o_orderdate >= '1993-10-01'
    and o_orderdate < date('1993-10-01', '+3 months')
    and l_returnflag = 'R'
    and c_nationkey = n_nationkey
group by
    c_custkey,
    c_name,
    c_acctbal,
    c_phone,
    n_name,
    c_address,
    c_comment
order by
    revenue desc
limit 20;
