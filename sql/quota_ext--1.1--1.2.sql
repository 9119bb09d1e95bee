-- quota_ext 1.1 -> 1.2.  A fresh 1.2 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2), as contrib does: no full script is kept by
-- hand next to the chain.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- One naming scheme for aggregate support functions (issue 9)
-- ---------------------------------------------------------------------------
-- Every aggregate X names its support functions X_trans, X_final,
-- X_partial_final, X_combine, X_serialize, X_deserialize and X_merge_trans,
-- and its state type's I/O X_state_in/_out/_recv/_send.  bgnbd_fit's came
-- in 1.1 as *fn; renaming keeps the aggregates that use them (and their C
-- symbols, which the SQL names do not touch).
ALTER FUNCTION bgnbd_fit_transfn(internal, int, float8, float8) RENAME TO bgnbd_fit_trans;
ALTER FUNCTION bgnbd_fit_combinefn(internal, internal) RENAME TO bgnbd_fit_combine;
ALTER FUNCTION bgnbd_fit_serialfn(internal) RENAME TO bgnbd_fit_serialize;
ALTER FUNCTION bgnbd_fit_deserialfn(bytea, internal) RENAME TO bgnbd_fit_deserialize;
ALTER FUNCTION bgnbd_fit_finalfn(internal) RENAME TO bgnbd_fit_final;
ALTER FUNCTION bgnbd_fit_partial_finalfn(internal) RENAME TO bgnbd_fit_partial_final;
ALTER FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state) RENAME TO bgnbd_fit_merge_trans;


-- ---------------------------------------------------------------------------
-- Real state types for the aggregates (Citus splits them, SPEC §7)
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §9 Labels for people and for charts
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §10 The pipeline forecast
-- ---------------------------------------------------------------------------

-- pipeline_forecast (src/pipeline_forecast.c): the distribution of the amount
-- that closes from open deals (amount, probability), with its
-- _partial/_merge pair.  The top-level aggregate keeps an internal state (the
-- deals, 16 bytes each) with serialize/deserialize; pipeline_forecast_merge
-- keeps the real type pipeline_forecast_state, so Citus runs its partial
-- aggregation on the workers (SPEC §7).  SSPACE: 500 open deals.

CREATE TYPE pipeline_forecast AS (
    deals    bigint,
    expected numeric,
    stddev   float8,
    p_target float8,
    p10      numeric,
    p50      numeric,
    p90      numeric
);

COMMENT ON TYPE pipeline_forecast IS 'result of pipeline_forecast(): deals counted, expected amount (sum of amount x probability), its standard deviation, P(closed amount >= target), and the 10/50/90 % quantiles of the closed amount (p10 to commit, p90 the best case)';

CREATE TYPE pipeline_forecast_state;

CREATE FUNCTION pipeline_forecast_state_in(cstring)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_in(cstring) IS 'text input of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_out(pipeline_forecast_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_out(pipeline_forecast_state) IS 'text output of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_recv(internal)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_recv(internal) IS 'binary input of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_send(pipeline_forecast_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_send(pipeline_forecast_state) IS 'binary output of pipeline_forecast_state';

CREATE TYPE pipeline_forecast_state (
    INPUT = pipeline_forecast_state_in,
    OUTPUT = pipeline_forecast_state_out,
    RECEIVE = pipeline_forecast_state_recv,
    SEND = pipeline_forecast_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE pipeline_forecast_state IS 'transferable partial state of pipeline_forecast: pipeline_forecast_partial() returns it, pipeline_forecast_merge() combines it; text form "v1 deals=N scale=S target=X|none expected=X coarse=0|1 open=amount@probability,...|none" (open deals are those with probability > 0 and amount > 0)';

CREATE FUNCTION pipeline_forecast_trans(internal, numeric, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_trans(internal, numeric, float8) IS 'transition function of pipeline_forecast and pipeline_forecast_partial without a target; rows with a NULL amount or probability are skipped';

CREATE FUNCTION pipeline_forecast_trans(internal, numeric, float8, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_trans(internal, numeric, float8, numeric) IS 'transition function of pipeline_forecast and pipeline_forecast_partial with a target; rows with a NULL amount or probability are skipped, a NULL or changing target is an error';

CREATE FUNCTION pipeline_forecast_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_combine(internal, internal) IS 'combine function of pipeline_forecast and pipeline_forecast_partial; states with different targets are an error';

CREATE FUNCTION pipeline_forecast_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pipeline_forecast_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_serialize(internal) IS 'serialize function of pipeline_forecast and pipeline_forecast_partial';

CREATE FUNCTION pipeline_forecast_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_deserialize(bytea, internal) IS 'deserialize function of pipeline_forecast and pipeline_forecast_partial';

CREATE FUNCTION pipeline_forecast_final(internal)
RETURNS pipeline_forecast
AS 'MODULE_PATHNAME', 'pipeline_forecast_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_final(internal) IS 'final function of pipeline_forecast: the distribution of the closed amount and its fields; NULL when no deal counted';

CREATE FUNCTION pipeline_forecast_partial_final(internal)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_partial_final(internal) IS 'final function of pipeline_forecast_partial: the state as a pipeline_forecast_state value';

CREATE FUNCTION pipeline_forecast_state_merge(pipeline_forecast_state, pipeline_forecast_state)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_merge(pipeline_forecast_state, pipeline_forecast_state) IS 'the state of the deals of both states (transition and combine function of pipeline_forecast_merge); a NULL state is skipped; different targets are an error';

CREATE FUNCTION pipeline_forecast_state_final(pipeline_forecast_state)
RETURNS pipeline_forecast
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_final(pipeline_forecast_state) IS 'final function of pipeline_forecast_merge: pipeline_forecast of the deals in the state; NULL when none';

CREATE AGGREGATE pipeline_forecast(amount numeric, probability float8) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast(numeric, float8) IS
'distribution of the amount that closes from open deals (amount, probability), deals independent: deals, expected, stddev, p_target NULL, p10/p50/p90; exact while the subset sums take at most 2^20 values, else on a grid (README); rows with a NULL amount or probability ignored; NULL when none remains';

CREATE AGGREGATE pipeline_forecast(amount numeric, probability float8, target numeric) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast(numeric, float8, numeric) IS
'distribution of the amount that closes from open deals (amount, probability), deals independent, and p_target = P(closed amount >= target), 1 when target <= 0: deals, expected, stddev, p_target, p10/p50/p90; exact while the subset sums take at most 2^20 values, else on a grid (README); rows with a NULL amount or probability ignored; NULL when none remains';

CREATE AGGREGATE pipeline_forecast_partial(amount numeric, probability float8) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_partial_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_partial(numeric, float8) IS
'partial state of pipeline_forecast over these rows, as a transferable pipeline_forecast_state; combine states with pipeline_forecast_merge()';

CREATE AGGREGATE pipeline_forecast_partial(amount numeric, probability float8, target numeric) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_partial_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_partial(numeric, float8, numeric) IS
'partial state of pipeline_forecast with a target over these rows, as a transferable pipeline_forecast_state; combine states with pipeline_forecast_merge()';

CREATE AGGREGATE pipeline_forecast_merge(state pipeline_forecast_state) (
    SFUNC = pipeline_forecast_state_merge,
    FINALFUNC = pipeline_forecast_state_final,
    STYPE = pipeline_forecast_state,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_state_merge,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_merge(pipeline_forecast_state) IS
'pipeline_forecast of the deals behind the pipeline_forecast_partial() states merged (NULL states skipped); states with different targets are an error; its state is pipeline_forecast_state itself, so Citus splits it';


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §12 Segment-change trigger and ramped quotas
-- ---------------------------------------------------------------------------

