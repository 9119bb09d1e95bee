-- quota_ext 1.1 -> 1.2.  A fresh 1.2 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2), as contrib does: no full script is kept by
-- hand next to the chain.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- One naming scheme for aggregate support functions (issue 9)
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- Real state types for the aggregates (Citus splits them, SPEC §7)
-- ---------------------------------------------------------------------------

-- X_merge keeps its working state in X_state itself (not internal), with
-- X_state_combine as transition and combine function, so Citus runs its
-- partial aggregation on the workers and PostgreSQL ships the state between
-- parallel workers in its binary form (src/state_merge.c).  An aggregate's
-- state type cannot be altered: X_merge is dropped and created again with
-- the same signature, so a view that uses X_merge blocks the update (drop
-- it first, create it again after; README "Upgrading").  The top-level
-- aggregates keep internal states: the real type cost them more than 10 %
-- on one node (bench/state_design.sh).

CREATE FUNCTION rfm_summary_state_combine(rfm_summary_state, rfm_summary_state)
RETURNS rfm_summary_state
AS 'MODULE_PATHNAME', 'rfm_summary_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_combine(rfm_summary_state, rfm_summary_state) IS 'transition and combine function of rfm_summary_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION rfm_summary_state_final(rfm_summary_state)
RETURNS rfm_summary
AS 'MODULE_PATHNAME', 'rfm_summary_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_final(rfm_summary_state) IS 'final function of rfm_summary_merge: rfm_summary''s result from a merged state';

DROP AGGREGATE rfm_summary_merge(rfm_summary_state);

CREATE AGGREGATE rfm_summary_merge(state rfm_summary_state) (
    SFUNC = rfm_summary_state_combine,
    STYPE = rfm_summary_state,
    SSPACE = 64,
    FINALFUNC = rfm_summary_state_final,
    COMBINEFUNC = rfm_summary_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_summary_merge(rfm_summary_state) IS
'rfm_summary of the rows behind the rfm_summary_partial() states merged (NULL states skipped); states with different as_of are an error';

CREATE FUNCTION btyd_summary_state_combine(btyd_summary_state, btyd_summary_state)
RETURNS btyd_summary_state
AS 'MODULE_PATHNAME', 'btyd_summary_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_combine(btyd_summary_state, btyd_summary_state) IS 'transition and combine function of btyd_summary_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION btyd_summary_state_final(btyd_summary_state)
RETURNS btyd_summary
AS 'MODULE_PATHNAME', 'btyd_summary_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_final(btyd_summary_state) IS 'final function of btyd_summary_merge: btyd_summary''s result from a merged state';

DROP AGGREGATE btyd_summary_merge(btyd_summary_state);

CREATE AGGREGATE btyd_summary_merge(state btyd_summary_state) (
    SFUNC = btyd_summary_state_combine,
    STYPE = btyd_summary_state,
    SSPACE = 128,
    FINALFUNC = btyd_summary_state_final,
    COMBINEFUNC = btyd_summary_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary_merge(btyd_summary_state) IS
'btyd_summary of the rows behind the btyd_summary_partial() states merged (NULL states skipped); states with different as_of or time_unit are an error';

CREATE FUNCTION rfm_kinetic_state_combine(rfm_kinetic_state, rfm_kinetic_state)
RETURNS rfm_kinetic_state
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_combine(rfm_kinetic_state, rfm_kinetic_state) IS 'transition and combine function of rfm_kinetic_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION rfm_kinetic_state_final(rfm_kinetic_state)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_final(rfm_kinetic_state) IS 'final function of rfm_kinetic_merge: rfm_kinetic''s result from a merged state';

DROP AGGREGATE rfm_kinetic_merge(rfm_kinetic_state);

CREATE AGGREGATE rfm_kinetic_merge(state rfm_kinetic_state) (
    SFUNC = rfm_kinetic_state_combine,
    STYPE = rfm_kinetic_state,
    SSPACE = 160,
    FINALFUNC = rfm_kinetic_state_final,
    COMBINEFUNC = rfm_kinetic_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_merge(rfm_kinetic_state) IS
'rfm_kinetic of the rows behind the rfm_kinetic_partial() states merged (NULL states skipped); states with different as_of, window_len or threshold are an error';

CREATE FUNCTION demand_cv_state_combine(demand_cv_state, demand_cv_state)
RETURNS demand_cv_state
AS 'MODULE_PATHNAME', 'demand_cv_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION demand_cv_state_combine(demand_cv_state, demand_cv_state) IS 'transition and combine function of demand_cv_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION demand_cv_state_final(demand_cv_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'demand_cv_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION demand_cv_state_final(demand_cv_state) IS 'final function of demand_cv_merge: demand_cv''s result from a merged state';

DROP AGGREGATE demand_cv_merge(demand_cv_state);

CREATE AGGREGATE demand_cv_merge(state demand_cv_state) (
    SFUNC = demand_cv_state_combine,
    STYPE = demand_cv_state,
    SSPACE = 8100,
    FINALFUNC = demand_cv_state_final,
    COMBINEFUNC = demand_cv_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE demand_cv_merge(demand_cv_state) IS
'demand_cv of the rows behind the merged demand_cv_partial states; states with different parameters are an error';

CREATE FUNCTION bgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state) IS 'transition and combine function of bgnbd_fit_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION bgnbd_fit_state_final(bgnbd_fit_state)
RETURNS bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_final(bgnbd_fit_state) IS 'final function of bgnbd_fit_merge: bgnbd_fit''s result from a merged state';

DROP AGGREGATE bgnbd_fit_merge(bgnbd_fit_state);

CREATE AGGREGATE bgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = bgnbd_fit_state_combine,
    STYPE = bgnbd_fit_state,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_state_final,
    COMBINEFUNC = bgnbd_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_merge(bgnbd_fit_state) IS
'bgnbd_fit over the customers of several bgnbd_fit_partial states; NULL states are skipped; NULL without customers';

-- ---------------------------------------------------------------------------
-- §9 Labels for people and for charts
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §10 The pipeline forecast
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §12 Segment-change trigger and ramped quotas
-- ---------------------------------------------------------------------------

