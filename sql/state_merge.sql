-- X_merge on real state types (version 1.2, README "Citus"): the catalog
-- shape Citus needs to split it, and the paths a by-reference non-internal
-- state takes in PostgreSQL -- hash and sorted grouping over many groups,
-- Partial/Finalize under Gather (the working state is flattened to X_state
-- to cross to the leader), a window frame, Citus-like re-reads of a state
-- from its text -- each compared with X over the underlying rows, an
-- independent computation.
SET extra_float_digits = 0;

-- 1. Citus splits an aggregate whose state type is not internal and that
-- has a combine function: every X_merge, and no top-level aggregate.
SELECT aggfnoid::regprocedure AS aggregate, aggtranstype::regtype AS state_type,
       aggcombinefn <> 0 AS has_combine, aggserialfn <> 0 AS has_serial,
       CASE WHEN aggtranstype <> 'internal'::regtype THEN aggcombinefn::regproc END AS real_state_combine
FROM pg_aggregate
WHERE aggfnoid::regprocedure::text ~ '^(rfm_summary|btyd_summary|rfm_kinetic|demand_cv|bgnbd_fit)(_merge)?\('
ORDER BY aggfnoid::regprocedure::text COLLATE "C";

-- Rows: 2000 customers in 7 groups, one state per customer.
CREATE TABLE sm_orders AS
SELECT c AS customer, c % 7 AS grp,
       DATE '2024-01-01' + ((c * 37 + k * 101) % 200) AS ts,
       (((c * 31 + k * 17) % 5000) / 10.0 + 1)::numeric(12,2) AS amount
FROM generate_series(1, 2000) c, generate_series(1, 1 + c % 5) k;
CREATE TABLE sm_states AS
SELECT customer, grp,
       rfm_summary_partial(ts, amount, DATE '2024-06-30') AS rs,
       rfm_kinetic_partial(ts, amount, DATE '2024-06-30', '30 days', 0.2) AS kn,
       btyd_summary_partial(ts, amount, DATE '2024-06-30') AS bt,
       demand_cv_partial(ts, amount::float8, DATE '2024-01-01', 6, '1 month') AS cv
FROM sm_orders GROUP BY customer, grp;
ANALYZE sm_orders;
ANALYZE sm_states;
-- X per group over the rows: the reference answer
CREATE TEMP TABLE sm_ref AS
SELECT grp, rfm_summary(ts, amount, DATE '2024-06-30')::text AS rs,
       rfm_kinetic(ts, amount, DATE '2024-06-30', '30 days', 0.2)::text AS kn,
       btyd_summary(ts, amount, DATE '2024-06-30')::text AS bt,
       round(demand_cv(ts, amount::float8, DATE '2024-01-01', 6, '1 month')::numeric, 12) AS cv
FROM sm_orders GROUP BY grp;

-- 2. Hash and sorted grouping (7 groups), serial
CREATE TEMP VIEW sm_merged AS
SELECT grp, rfm_summary_merge(rs)::text AS rs, rfm_kinetic_merge(kn)::text AS kn,
       btyd_summary_merge(bt)::text AS bt, round(demand_cv_merge(cv)::numeric, 12) AS cv
FROM sm_states GROUP BY grp;
CREATE TEMP VIEW sm_mismatch AS
SELECT count(*) AS groups,
       count(*) FILTER (WHERE m.rs IS DISTINCT FROM r.rs OR m.kn IS DISTINCT FROM r.kn OR
                              m.bt IS DISTINCT FROM r.bt OR m.cv IS DISTINCT FROM r.cv) AS mismatches
FROM sm_merged m FULL JOIN sm_ref r USING (grp);
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;
SELECT 'hash' AS grouping, * FROM sm_mismatch;
RESET enable_sort;
SET enable_hashagg = off;
SELECT 'sorted' AS grouping, * FROM sm_mismatch;
RESET enable_hashagg;

-- many groups (one per customer, each merging its one state with itself):
-- equals X over the customer's rows doubled
SELECT count(*) AS customers,
       count(*) FILTER (WHERE m.rs IS DISTINCT FROM r.rs) AS mismatches
FROM (SELECT customer, rfm_summary_merge(rs)::text AS rs
      FROM (SELECT customer, rs FROM sm_states UNION ALL SELECT customer, rs FROM sm_states) d
      GROUP BY customer) m
FULL JOIN (SELECT customer, rfm_summary(ts, amount, DATE '2024-06-30')::text AS rs
           FROM (SELECT * FROM sm_orders UNION ALL SELECT * FROM sm_orders) d GROUP BY customer) r
USING (customer);

-- 3. Partial Aggregate under Gather, Finalize above: the states cross to the
-- leader as X_state values
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, rfm_kinetic_merge(kn) FROM sm_states GROUP BY grp;
SELECT 'parallel' AS grouping, * FROM sm_mismatch;
RESET enable_hashagg;
-- one group over all states, and a group whose workers see no state
SELECT rfm_summary_merge(rs)::text = (SELECT rfm_summary(ts, amount, DATE '2024-06-30')::text FROM sm_orders)
       AS whole_table_equal
FROM sm_states;
SELECT rfm_summary_merge(rs) IS NULL AS no_state FROM sm_states WHERE customer < 0;
-- bgnbd_fit_state may hold no customer ('1:'): such states cross too
CREATE TABLE sm_bg AS
SELECT i, CASE WHEN i % 3 = 0 THEN '1:'::bgnbd_fit_state
               ELSE bgnbd_fit_partial(i % 4, (i % 4) * 2.5, 40) END AS st
FROM generate_series(1, 3000) i GROUP BY i;
ANALYZE sm_bg;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit_merge(st) FROM sm_bg WHERE i % 3 = 0;
SELECT bgnbd_fit_merge(st)::text = (SELECT bgnbd_fit(i % 4, (i % 4) * 2.5, 40)::text
                                    FROM generate_series(1, 3000) i WHERE i % 3 <> 0) AS bg_equal,
       (SELECT bgnbd_fit_merge(st) FROM sm_bg WHERE i % 3 = 0) IS NULL AS only_empty_states_null
FROM sm_bg;
-- different parameters still refuse to merge, in the workers' combine
SELECT test_util.err($$SELECT rfm_summary_merge(st) FROM (SELECT rs AS st FROM sm_states UNION ALL
    SELECT rfm_summary_partial(DATE '2024-01-05', 1, DATE '2024-05-31')) s$$) AS mixed_as_of;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- 4. A window frame: the running merge equals X over the rows so far
SELECT count(*) AS customers,
       count(*) FILTER (WHERE w.rs IS DISTINCT FROM r.rs) AS mismatches
FROM (SELECT customer, rfm_summary_merge(rs) OVER (ORDER BY customer)::text AS rs
      FROM sm_states WHERE grp = 3) w
JOIN LATERAL (SELECT rfm_summary(ts, amount, DATE '2024-06-30')::text AS rs
              FROM sm_orders o WHERE o.grp = 3 AND o.customer <= w.customer) r ON true;

-- 5. A state re-read from its text (as Citus ships it) merges the same
SELECT rfm_kinetic_merge(s.kn::text::rfm_kinetic_state)::text = r.kn AS text_round_trip_equal
FROM sm_states s JOIN sm_ref r USING (grp) WHERE grp = 5 GROUP BY r.kn;

-- 6. The support functions belong to the aggregate only
SELECT test_util.err($$SELECT rfm_summary_state_combine(NULL, NULL)$$) AS combine_direct;
SELECT test_util.err($$SELECT rfm_kinetic_state_final(NULL)$$) AS final_direct;
SELECT rfm_summary_merge(NULL::rfm_summary_state) IS NULL AS only_null;

DROP VIEW sm_mismatch, sm_merged;
DROP TABLE sm_orders, sm_states, sm_bg;
