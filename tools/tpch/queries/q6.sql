-- TPC-H Q6, Forecasting Revenue Change (specification v3.0.1, clause 2.4.6), with the
-- validation substitution parameters of 2.4.6.4: DATE = 1994-01-01, DISCOUNT = 0.06,
-- QUANTITY = 24.
--
-- Official form (2.4.6.2):
--   select sum(l_extendedprice*l_discount) as revenue
--   from lineitem
--   where l_shipdate >= date '[DATE]'
--     and l_shipdate < date '[DATE]' + interval '1' year
--     and l_discount between [DISCOUNT] - 0.01 and [DISCOUNT] + 0.01
--     and l_quantity < [QUANTITY];
--
-- Changed for SQLite: date literals are ISO strings and the interval is
-- date('1994-01-01', '+1 year'). The discount bounds are written as 0.05 and 0.07: SQLite
-- computes 0.06 + 0.01 in binary floating point (0.06999999999999999), which would drop the
-- lines with discount 0.07 that the decimal arithmetic of the specification keeps.
select
    sum(l_extendedprice * l_discount) as revenue
from
    lineitem
where
    l_shipdate >= '1994-01-01'
    and l_shipdate < date('1994-01-01', '+1 year')
    and l_discount between 0.05 and 0.07
    and l_quantity < 24;
