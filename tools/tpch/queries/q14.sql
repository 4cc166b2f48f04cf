-- TPC-H Q14, Promotion Effect (specification v3.0.1, clause 2.4.14), with the validation
-- substitution parameter of 2.4.14.4: DATE = 1995-09-01.
--
-- Official form (2.4.14.2):
--   select 100.00 * sum(case when p_type like 'PROMO%'
--                            then l_extendedprice*(1-l_discount) else 0 end)
--          / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
--   from lineitem, part
--   where l_partkey = p_partkey and l_shipdate >= date '[DATE]'
--     and l_shipdate < date '[DATE]' + interval '1' month;
--
-- Changed for SQLite: date literals are ISO strings and the interval is
-- date('1995-09-01', '+1 month').
select
    100.00 * sum(case
        when p_type like 'PROMO%'
            then l_extendedprice * (1 - l_discount)
        else 0
    end) / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from
    lineitem,
    part
where
    l_partkey = p_partkey
    and l_shipdate >= '1995-09-01'
    and l_shipdate < date('1995-09-01', '+1 month');
