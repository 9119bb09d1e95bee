-- bench/setup.sql: the baselines the benchmarks compare quota_ext with.
-- Loaded by bench/run.sh into the benchmark database (schema bench).
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- (3) a PL/pgSQL aggregate doing what rfm_kinetic does, as people write it
-- when they keep the logic in the database without C.
CREATE TYPE bench.kin_state AS (
    n bigint, s numeric, first_order date, last_order date,
    n_recent int, rev_recent numeric, n_prior int, rev_prior numeric,
    as_of date, b1 date, b2 date);
CREATE TYPE bench.kin_result AS (
    recency_days int, frequency bigint, monetary numeric, first_order date, last_order date,
    orders_recent int, orders_prior int, revenue_recent numeric, revenue_prior numeric,
    segment text);

CREATE FUNCTION bench.kin_step(st bench.kin_state, ts date, amount numeric, as_of date)
RETURNS bench.kin_state LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF ts IS NULL OR amount IS NULL OR ts > as_of THEN
        RETURN st;
    END IF;
    IF st IS NULL OR st.n IS NULL THEN
        st := ROW(0, 0, ts, ts, 0, 0, 0, 0, as_of,
                  (as_of - interval '90 days')::date, (as_of - interval '180 days')::date);
    END IF;
    st.n := st.n + 1;
    st.s := st.s + amount;
    IF ts < st.first_order THEN st.first_order := ts; END IF;
    IF ts > st.last_order THEN st.last_order := ts; END IF;
    IF ts > st.b1 THEN
        st.n_recent := st.n_recent + 1; st.rev_recent := st.rev_recent + amount;
    ELSIF ts > st.b2 THEN
        st.n_prior := st.n_prior + 1; st.rev_prior := st.rev_prior + amount;
    END IF;
    RETURN st;
END $$;

CREATE FUNCTION bench.kin_final(st bench.kin_state)
RETURNS bench.kin_result LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    trend float8;
    seg text;
BEGIN
    IF st IS NULL OR st.n IS NULL THEN
        RETURN NULL;
    END IF;
    IF st.rev_prior > 0 THEN
        trend := ((st.rev_recent - st.rev_prior) / st.rev_prior)::float8;
    END IF;
    seg := CASE WHEN st.n_recent = 0 AND st.n_prior = 0 THEN 'lost'
                WHEN st.first_order > st.b1 THEN 'new'
                WHEN st.n_prior = 0 THEN 'returning'
                WHEN st.n_recent = 0 OR trend <= -0.2 THEN 'fading'
                WHEN trend >= 0.2 THEN 'growing'
                ELSE 'steady' END;
    RETURN ROW(st.as_of - st.last_order, st.n, st.s, st.first_order, st.last_order,
               st.n_recent, st.n_prior, st.rev_recent, st.rev_prior, seg);
END $$;

CREATE AGGREGATE bench.kinetic_plpgsql(date, numeric, date) (
    SFUNC = bench.kin_step, STYPE = bench.kin_state, FINALFUNC = bench.kin_final);

-- 10 million rows for the scalar functions, one column per argument so the
-- calls cost no extra expression (the floor reads actual and expected)
CREATE TABLE bench.scalars AS
SELECT (i % 101) / 100.0::float8 AS agreement, (i % 7)::int AS objections,
       (i % 997)::float8 AS actual, (1 + i % 991)::float8 AS expected,
       1 + (i % 4)::int AS grp, 1 + (i % 5)::int AS r, 1 + (i / 5 % 5)::int AS f,
       1 + (i / 25 % 5)::int AS m,
       i % 3 > 0 AS need, i % 5 > 1 AS budget, i % 2 = 0 AS urgent,
       date '2026-01-01' + (i % 365)::int AS d1, date '2026-01-01' + (i % 365)::int + (i % 120)::int AS d2
FROM generate_series(1, 10000000) i;

-- per-customer inputs of the window functions (materialised, so the window
-- function is what is timed): revenue for abc_class, R/F/M for rfm_score
CREATE TABLE bench.cust AS
SELECT o.customer_id, c.rep_id, sum(o.amount)::float8 AS revenue,
       (date '2026-09-30' - max(o.ts))::float8 AS recency, count(*)::float8 AS frequency
FROM sales.orders o JOIN sales.customers c USING (customer_id)
WHERE o.ts <= date '2026-09-30'
GROUP BY o.customer_id, c.rep_id;

-- abc_class on 1M rows of many distinct values (10 partitions of 100k, or one)
CREATE TABLE bench.abc_synth AS
SELECT i AS id, i % 10 AS p, ((i * 7919) % 100003)::float8 / 4 - 100 AS v
FROM generate_series(1, 1000000::bigint) i;

VACUUM ANALYZE bench.scalars, bench.cust, bench.abc_synth;

-- the parallel cases group by customer_id % 20: tell the planner it has 20
-- values (it would guess ~350k groups and not aggregate in the workers)
CREATE STATISTICS bench.orders_segment ON (customer_id % 20) FROM sales.orders;
ANALYZE sales.orders;
