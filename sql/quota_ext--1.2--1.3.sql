-- quota_ext 1.2 -> 1.3.  A fresh 1.3 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2, 1.2--1.3), as contrib does.  Every section
-- below belongs to one area; each adds objects with CREATE, or changes one
-- with CREATE OR REPLACE / ALTER -- never a DROP of an object a user's view
-- can depend on.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.3'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Fixes of the second hostile review (issue 19)
-- ---------------------------------------------------------------------------
-- (end of fixes)


-- ---------------------------------------------------------------------------
-- SPEC §13: the funnel -- stage_funnel, required_activity (issue 22)
-- ---------------------------------------------------------------------------
-- stage_funnel (src/stage_funnel.c): the funnel of a group's stage history
-- (one row per deal per stage entered, the deal's result repeated on its
-- rows).  The top-level aggregate and stage_funnel_partial keep an internal
-- state -- the rows, 24 bytes each, so a deal costs 24 bytes per stage row --
-- with serialize/deserialize; stage_funnel_merge keeps the real type
-- stage_funnel_state (src/state_merge.c), so Citus runs its partial
-- aggregation on the workers and a merge of many states decodes each once
-- (SPEC §7).  SSPACE: about 1000 rows.

CREATE TYPE stage_funnel_stage AS (
    stage            int,
    entered          bigint,
    advanced         bigint,
    won              bigint,
    lost             bigint,
    open             bigint,
    conversion       float8,
    conversion_naive float8,
    p_win            float8,
    days_median      float8,
    days_p80         float8
);

COMMENT ON TYPE stage_funnel_stage IS 'one stage of stage_funnel(): deals that entered it (highest stage >= it), advanced past it, were won, lost or are open with it as their highest stage; conversion = (advanced + won) / (advanced + won + lost), conversion_naive = (advanced + won) / entered, p_win = chance a deal in the stage is won, and the Kaplan-Meier median and 80th percentile of days in the stage';

CREATE TYPE stage_funnel_state;

CREATE FUNCTION stage_funnel_state_in(cstring)
RETURNS stage_funnel_state
AS 'MODULE_PATHNAME', 'stage_funnel_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_in(cstring) IS 'text input of stage_funnel_state';

CREATE FUNCTION stage_funnel_state_out(stage_funnel_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'stage_funnel_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_out(stage_funnel_state) IS 'text output of stage_funnel_state';

CREATE FUNCTION stage_funnel_state_recv(internal)
RETURNS stage_funnel_state
AS 'MODULE_PATHNAME', 'stage_funnel_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_recv(internal) IS 'binary input of stage_funnel_state';

CREATE FUNCTION stage_funnel_state_send(stage_funnel_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stage_funnel_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_send(stage_funnel_state) IS 'binary output of stage_funnel_state';

CREATE TYPE stage_funnel_state (
    INPUT = stage_funnel_state_in,
    OUTPUT = stage_funnel_state_out,
    RECEIVE = stage_funnel_state_recv,
    SEND = stage_funnel_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE stage_funnel_state IS 'transferable partial state of stage_funnel: stage_funnel_partial() returns it, stage_funnel_merge() combines it; text form "v1 as_of=YYYY-MM-DD rows=deal_id/stage/entered_on/closed_on|none/won|lost|open,..." (rows sorted by deal_id, entered_on, stage; or rows=none)';

CREATE FUNCTION stage_funnel_trans(internal, bigint, int, date, date, boolean, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'stage_funnel_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_trans(internal, bigint, int, date, date, boolean, date) IS 'transition function of stage_funnel and stage_funnel_partial; rows with a NULL deal_id, stage or entered_on are skipped; a NULL or changing as_of is an error';

CREATE FUNCTION stage_funnel_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'stage_funnel_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_combine(internal, internal) IS 'combine function of stage_funnel and stage_funnel_partial; states with different as_of are an error';

CREATE FUNCTION stage_funnel_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'stage_funnel_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_serialize(internal) IS 'serialize function of stage_funnel and stage_funnel_partial';

CREATE FUNCTION stage_funnel_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'stage_funnel_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_deserialize(bytea, internal) IS 'deserialize function of stage_funnel and stage_funnel_partial';

CREATE FUNCTION stage_funnel_final(internal)
RETURNS stage_funnel_stage[]
AS 'MODULE_PATHNAME', 'stage_funnel_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_final(internal) IS 'final function of stage_funnel: one stage_funnel_stage per group stage, ascending; NULL when no row counted';

CREATE FUNCTION stage_funnel_partial_final(internal)
RETURNS stage_funnel_state
AS 'MODULE_PATHNAME', 'stage_funnel_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_partial_final(internal) IS 'final function of stage_funnel_partial: the state as a stage_funnel_state value';

CREATE FUNCTION stage_funnel_state_combine(stage_funnel_state, stage_funnel_state)
RETURNS stage_funnel_state
AS 'MODULE_PATHNAME', 'stage_funnel_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_combine(stage_funnel_state, stage_funnel_state) IS 'transition and combine function of stage_funnel_merge: the rows of both states; NULL states are skipped; states with different as_of are an error';

CREATE FUNCTION stage_funnel_state_final(stage_funnel_state)
RETURNS stage_funnel_stage[]
AS 'MODULE_PATHNAME', 'stage_funnel_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION stage_funnel_state_final(stage_funnel_state) IS 'final function of stage_funnel_merge: stage_funnel''s result from a merged state';

CREATE AGGREGATE stage_funnel(deal_id bigint, stage int, entered_on date, closed_on date, won boolean, as_of date) (
    SFUNC = stage_funnel_trans,
    FINALFUNC = stage_funnel_final,
    STYPE = internal,
    SSPACE = 24576,
    COMBINEFUNC = stage_funnel_combine,
    SERIALFUNC = stage_funnel_serialize,
    DESERIALFUNC = stage_funnel_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE stage_funnel(bigint, int, date, date, boolean, date) IS
'the funnel of a stage history (one row per deal per stage entered, the deal''s closed_on and won repeated on its rows; won NULL = open): one stage_funnel_stage per distinct stage, ascending; a deal counts as having entered every stage up to its highest; rows with NULL deal_id, stage or entered_on ignored; rows entered after as_of or after closed_on, closed_on after as_of, closed_on NULL but not won (or the reverse), and rows of one deal that disagree on closed_on or won are errors; NULL when no row counted';

CREATE AGGREGATE stage_funnel_partial(deal_id bigint, stage int, entered_on date, closed_on date, won boolean, as_of date) (
    SFUNC = stage_funnel_trans,
    FINALFUNC = stage_funnel_partial_final,
    STYPE = internal,
    SSPACE = 24576,
    COMBINEFUNC = stage_funnel_combine,
    SERIALFUNC = stage_funnel_serialize,
    DESERIALFUNC = stage_funnel_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE stage_funnel_partial(bigint, int, date, date, boolean, date) IS
'partial state of stage_funnel over these rows, as a transferable stage_funnel_state; combine states with stage_funnel_merge()';

CREATE AGGREGATE stage_funnel_merge(state stage_funnel_state) (
    SFUNC = stage_funnel_state_combine,
    FINALFUNC = stage_funnel_state_final,
    STYPE = stage_funnel_state,
    SSPACE = 24576,
    COMBINEFUNC = stage_funnel_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE stage_funnel_merge(stage_funnel_state) IS
'stage_funnel of the rows behind the stage_funnel_partial() states merged (NULL states skipped; a deal may be split across states); states with different as_of are an error; its state is stage_funnel_state itself, so Citus splits it';

-- required_activity (src/required_activity.c): the reverse funnel.

CREATE FUNCTION required_activity(target numeric, avg_deal numeric, rates float8[])
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'required_activity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION required_activity(numeric, numeric, float8[]) IS
'the reverse funnel: rates are the step conversion rates from the top of the funnel to the close, each in (0, 1]; the result has one more element than rates, the last ceil(target / avg_deal) deals to win (exact), and going up each element ceil(next / rate), float noise below 1e-9 relative ignored (21 / 0.7 gives 30); target >= 0, avg_deal > 0';

-- (end of §13)


-- ---------------------------------------------------------------------------
-- SPEC §14: the deal diary -- deal_warnings, flag_deal_warnings (issue 23)
-- ---------------------------------------------------------------------------
-- (end of §14)


-- ---------------------------------------------------------------------------
-- SPEC §15: trusting the probabilities -- win_calibration, isotonic_fit,
-- isotonic_predict, forecast_backtest (issue 24)
-- ---------------------------------------------------------------------------
-- (end of §15)


-- ---------------------------------------------------------------------------
-- SPEC §16: the quarter's shape, the bar and the pay -- booking_rhythm,
-- quota_allocate, quota_capacity, commission, attainment_distribution (issue 25)
-- ---------------------------------------------------------------------------
-- (end of §16)


-- ---------------------------------------------------------------------------
-- SPEC §17: margin and lead load -- price_realization, lead_load,
-- lead_load_trend (issue 26)
-- ---------------------------------------------------------------------------
-- (end of §17)


-- ---------------------------------------------------------------------------
-- SPEC §18: the next customer models -- pmfs, paretonbd_value, mbgnbd_*,
-- sbg_* (issue 27)
-- ---------------------------------------------------------------------------
-- (end of §18)


-- ---------------------------------------------------------------------------
-- Labels users can extend (issue 28)
-- ---------------------------------------------------------------------------
-- (end of labels)
