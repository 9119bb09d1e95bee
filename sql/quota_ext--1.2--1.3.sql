-- quota_ext 1.2 -> 1.3.  A fresh 1.3 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2, 1.2--1.3), as contrib does.  Every section
-- below belongs to one area; each adds objects with CREATE, or changes one
-- with CREATE OR REPLACE / ALTER -- never a DROP of an object a user's view
-- can depend on.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.3'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Fixes of the second hostile review (issue 19)
-- ---------------------------------------------------------------------------

-- segment_direction (src/labels.c): rfm Others has no place in the order,
-- and a move out of kinetic new is judged by where the customer went (SPEC
-- §12 as amended; doc/labels.md).  Same function, new rule: the comment.
COMMENT ON FUNCTION segment_direction(text, text, text) IS
'up when to_code has a better (smaller) rank than from_code in the label catalog, down when worse, same when equal, except that a move out of kinetic new is up to growing, returning or steady and down to fading or lost; NULL when a code is NULL, unknown or without a place in the order (rfm Others); unknown kind is an error';

-- flag_segment_change (src/segment_change.c): follows a STORED generated
-- segment column and keeps the history across a move to another partition.
COMMENT ON FUNCTION flag_segment_change() IS
'BEFORE INSERT OR UPDATE FOR EACH ROW trigger; arguments (segment_column, kind, previous_column, since_column [, direction_column]): when the segment changes, stores the old one, the transaction time and segment_direction(); keeps them otherwise; a STORED generated segment column is followed (computed from its expression); the INSERT of an UPDATE that moves the row to another partition keeps what the update set; previous, since and direction must not be generated';

-- btyd_holdout_partial / btyd_holdout_merge (src/btyd_holdout.c, SPEC §7):
-- the real state type btyd_holdout_state, whose binary form is btyd_holdout's
-- serialized state; merged on the state type itself (src/state_merge.c).

CREATE TYPE btyd_holdout_state;

CREATE FUNCTION btyd_holdout_state_in(cstring)
RETURNS btyd_holdout_state
AS 'MODULE_PATHNAME', 'btyd_holdout_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_in(cstring) IS
'text input of btyd_holdout_state: "v1 calibration{<btyd_summary_state>} holdout{<btyd_summary_state>}"';

CREATE FUNCTION btyd_holdout_state_out(btyd_holdout_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'btyd_holdout_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_out(btyd_holdout_state) IS
'text output of btyd_holdout_state';

CREATE FUNCTION btyd_holdout_state_recv(internal)
RETURNS btyd_holdout_state
AS 'MODULE_PATHNAME', 'btyd_holdout_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_recv(internal) IS
'binary input of btyd_holdout_state';

CREATE FUNCTION btyd_holdout_state_send(btyd_holdout_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_holdout_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_send(btyd_holdout_state) IS
'binary output of btyd_holdout_state';

CREATE TYPE btyd_holdout_state (
    INPUT = btyd_holdout_state_in,
    OUTPUT = btyd_holdout_state_out,
    RECEIVE = btyd_holdout_state_recv,
    SEND = btyd_holdout_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE btyd_holdout_state IS
'transferable partial state of btyd_holdout: btyd_holdout_partial() returns it, btyd_holdout_merge() combines it; text form "v1 calibration{<btyd_summary_state as of calibration_end>} holdout{<btyd_summary_state of the days after it, as of observation_end>}"';

CREATE FUNCTION btyd_holdout_partial_final(internal)
RETURNS btyd_holdout_state
AS 'MODULE_PATHNAME', 'btyd_holdout_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_partial_final(internal) IS
'final function of btyd_holdout_partial: the state as a btyd_holdout_state; NULL without rows';

CREATE AGGREGATE btyd_holdout_partial(ts date, amount numeric, calibration_end date, observation_end date) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_partial_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout_partial(date, numeric, date, date) IS
'partial state of btyd_holdout (time_unit 1 day) over these rows, as a transferable btyd_holdout_state; combine states with btyd_holdout_merge()';

CREATE AGGREGATE btyd_holdout_partial(ts date, amount numeric, calibration_end date, observation_end date, time_unit interval) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_partial_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout_partial(date, numeric, date, date, interval) IS
'partial state of btyd_holdout over these rows, as a transferable btyd_holdout_state; combine states with btyd_holdout_merge()';

CREATE FUNCTION btyd_holdout_state_combine(btyd_holdout_state, btyd_holdout_state)
RETURNS btyd_holdout_state
AS 'MODULE_PATHNAME', 'btyd_holdout_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_combine(btyd_holdout_state, btyd_holdout_state) IS
'transition and combine function of btyd_holdout_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION btyd_holdout_state_final(btyd_holdout_state)
RETURNS btyd_holdout
AS 'MODULE_PATHNAME', 'btyd_holdout_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_state_final(btyd_holdout_state) IS
'final function of btyd_holdout_merge: btyd_holdout''s result from a merged state; NULL without a purchase up to calibration_end';

CREATE AGGREGATE btyd_holdout_merge(state btyd_holdout_state) (
    SFUNC = btyd_holdout_state_combine,
    STYPE = btyd_holdout_state,
    SSPACE = 256,
    FINALFUNC = btyd_holdout_state_final,
    COMBINEFUNC = btyd_holdout_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout_merge(btyd_holdout_state) IS
'btyd_holdout of the rows behind the btyd_holdout_partial() states merged (NULL states skipped); states with different calibration_end, observation_end or time_unit are an error; its state is btyd_holdout_state itself, so Citus splits it';
-- (end of fixes)


-- ---------------------------------------------------------------------------
-- SPEC §13: the funnel -- stage_funnel, required_activity (issue 22)
-- ---------------------------------------------------------------------------
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
