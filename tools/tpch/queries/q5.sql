-- TPC-H Q5, Local Supplier Volume (specification v3.0.1, clause 2.4.5), with the validation
-- substitution parameters of 2.4.5.4: REGION = ASIA, DATE = 1994-01-01.
--
-- Official form (2.4.5.2):
--   select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
--   from customer, orders, lineitem, supplier, nation, region
--   where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
--     and c_nationkey = s_nationkey and s_nationkey = n_nationkey
--     and n_regionkey = r_regionkey and r_name = '[REGION]'
--     and o_orderdate >= date '[DATE]'
--     and o_orderdate < date '[DATE]' + interval '1' year
--   group by n_name
--   order by revenue desc;
--
-- Changed for SQLite: date literals are ISO strings and the interval is
-- date('1994-01-01', '+1 year').
select
    n_name,
    sum(l_extendedprice * (1 - l_discount)) as revenue
from
    customer,
    orders,
    lineitem,
    supplier,
    nation,
    region
where
    c_custkey = o_custkey
    and l_orderkey = o_orderkey
    and l_suppkey = s_suppkey
    and c_nationkey = s_nationkey
    and s_nationkey = n_nationkey
    and n_regionkey = r_regionkey
    and r_name = 'ASIA'
    and o_orderdate >= '1994-01-01'
    and o_orderdate < date('1994-01-01', '+1 year')
group by
    n_name
order by
    revenue desc;
