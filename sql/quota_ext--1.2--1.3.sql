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
-- What an update changes (issue 21): a result that changes in 1.3 is reached
-- through a new C symbol named only here, so a database at 1.2 keeps 1.2's
-- results from the same library until ALTER EXTENSION UPDATE (the 1.0-1.2
-- definitions keep their symbols).  Re-declared in place with CREATE OR
-- REPLACE: views over them keep working.
-- ---------------------------------------------------------------------------

-- rfm_kinetic: an empty window's revenue_recent/revenue_prior is 0 at the
-- scale of the customer's amounts (0.00), no longer a bare 0.
CREATE OR REPLACE FUNCTION rfm_kinetic_final(internal)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_final_1_3'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION rfm_kinetic_state_final(rfm_kinetic_state)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_final_1_3'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- segment_direction and flag_segment_change: a move to or from a code with
-- no place in the order (rfm's Others) has no direction (NULL), and a move
-- out of kinetic new is judged by where the customer went (issue 19; SPEC
-- §12 as amended).  1.2 judged every move by rank.
CREATE OR REPLACE FUNCTION segment_direction(kind text, from_code text, to_code text)
RETURNS text
AS 'MODULE_PATHNAME', 'segment_direction_1_3'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION flag_segment_change()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flag_segment_change_1_3'
LANGUAGE C PARALLEL SAFE;
-- (end of what an update changes)


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

CREATE FUNCTION deal_warnings(as_of date, next_contact date, problem text, promise_due date,
                              temperature text, lift float8,
                              last_activity date DEFAULT NULL, stage_entered date DEFAULT NULL,
                              stage_norm_days int DEFAULT NULL, close_date date DEFAULT NULL,
                              pushes int DEFAULT NULL, contacts int DEFAULT NULL,
                              stale_days int DEFAULT 14, lift_threshold float8 DEFAULT 0.4)
RETURNS text[]
AS 'MODULE_PATHNAME', 'deal_warnings'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION deal_warnings(date, date, text, date, text, float8, date, date, int, date, int, int, int, float8) IS
'the warning codes of a deal''s diary on as_of, in the rank order of catalog kind deal_warning, ''{}'' when none: a NULL next_contact, problem, temperature or lift is a warning; NULL optional arguments are not tracked; NULL as_of gives NULL';

CREATE FUNCTION flag_deal_warnings()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flag_deal_warnings'
LANGUAGE C PARALLEL SAFE;

COMMENT ON FUNCTION flag_deal_warnings() IS
'BEFORE INSERT OR UPDATE FOR EACH ROW trigger; arguments (warnings_column, since_column, ''param=column'', ...): sets warnings to deal_warnings(current_date, the mapped columns) and since to the transaction time the set turned non-empty, NULL while empty';
-- (end of §14)


-- ---------------------------------------------------------------------------
-- SPEC §15: trusting the probabilities -- win_calibration, isotonic_fit,
-- isotonic_predict, forecast_backtest (issue 24)
-- ---------------------------------------------------------------------------

-- Three aggregates, each with its _partial/_merge pair (SPEC §7): the
-- top-level aggregate and X_partial keep an internal state with
-- serialize/deserialize; X_merge keeps the real type X_state (src/state_merge.c),
-- so Citus runs its partial aggregation on the workers.  Transition functions
-- are not STRICT: rows with a NULL value are skipped, a NULL parameter (bins) is
-- an error.  doc/calibration.md is the reference.

-- win_calibration (src/win_calibration.c) ------------------------------------

CREATE TYPE win_calibration_bin AS (
    lo       float8,
    hi       float8,
    deals    bigint,
    mean_p   float8,
    win_rate float8
);

COMMENT ON TYPE win_calibration_bin IS 'one bin of win_calibration(): the probabilities in (lo, hi] (the first bin also 0), the deals in it, their mean probability and the share of them won';

CREATE TYPE win_calibration AS (
    deals       bigint,
    wins        bigint,
    base_rate   float8,
    brier       float8,
    brier_skill float8,
    log_loss    float8,
    ece         float8,
    bins        win_calibration_bin[]
);

COMMENT ON TYPE win_calibration IS 'result of win_calibration(): deals and wins counted, the win rate, Brier score and its skill over always saying the base rate (NULL when all won or all lost), log loss (p clipped to [1e-15, 1 - 1e-15]), expected calibration error, and the nonempty bins of the reliability table';

CREATE TYPE win_calibration_state;

CREATE FUNCTION win_calibration_state_in(cstring)
RETURNS win_calibration_state
AS 'MODULE_PATHNAME', 'win_calibration_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_in(cstring) IS
'text input of win_calibration_state; malformed or inconsistent text is refused';

CREATE FUNCTION win_calibration_state_out(win_calibration_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'win_calibration_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_out(win_calibration_state) IS
'text output of win_calibration_state';

CREATE FUNCTION win_calibration_state_recv(internal)
RETURNS win_calibration_state
AS 'MODULE_PATHNAME', 'win_calibration_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_recv(internal) IS
'binary input of win_calibration_state; malformed or inconsistent values are refused';

CREATE FUNCTION win_calibration_state_send(win_calibration_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'win_calibration_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_send(win_calibration_state) IS
'binary output of win_calibration_state';

CREATE TYPE win_calibration_state (
    INPUT = win_calibration_state_in,
    OUTPUT = win_calibration_state_out,
    RECEIVE = win_calibration_state_recv,
    SEND = win_calibration_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE win_calibration_state IS
'transferable partial state of win_calibration: win_calibration_partial() returns it, win_calibration_merge() combines it; text form "v1 bins=N deals=N wins=N brier=X log_loss=X cells=bin:deals:wins:sum_p,...|none"';

CREATE FUNCTION win_calibration_trans(internal, float8, boolean)
RETURNS internal
AS 'MODULE_PATHNAME', 'win_calibration_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_trans(internal, float8, boolean) IS
'transition function of win_calibration and win_calibration_partial with 10 bins; rows with a NULL p or won are skipped, p outside [0, 1] is an error';

CREATE FUNCTION win_calibration_trans(internal, float8, boolean, int)
RETURNS internal
AS 'MODULE_PATHNAME', 'win_calibration_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_trans(internal, float8, boolean, int) IS
'transition function of win_calibration and win_calibration_partial with a number of bins (1 to 10000; NULL or changing within a group is an error); rows with a NULL p or won are skipped, p outside [0, 1] is an error';

CREATE FUNCTION win_calibration_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'win_calibration_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_combine(internal, internal) IS
'combine function of the win_calibration aggregates; states with different bins are an error';

CREATE FUNCTION win_calibration_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'win_calibration_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_serialize(internal) IS
'serialize function of the win_calibration aggregates';

CREATE FUNCTION win_calibration_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'win_calibration_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_deserialize(bytea, internal) IS
'deserialize function of the win_calibration aggregates';

CREATE FUNCTION win_calibration_final(internal)
RETURNS win_calibration
AS 'MODULE_PATHNAME', 'win_calibration_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_final(internal) IS
'final function of win_calibration: NULL when no row counted';

CREATE FUNCTION win_calibration_partial_final(internal)
RETURNS win_calibration_state
AS 'MODULE_PATHNAME', 'win_calibration_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_partial_final(internal) IS
'final function of win_calibration_partial: the state as a win_calibration_state value';

CREATE FUNCTION win_calibration_merge_trans(internal, win_calibration_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'win_calibration_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_merge_trans(internal, win_calibration_state) IS
'transition function of the internal-state merge of win_calibration states; NULL states are skipped';

CREATE FUNCTION win_calibration_state_combine(win_calibration_state, win_calibration_state)
RETURNS win_calibration_state
AS 'MODULE_PATHNAME', 'win_calibration_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_combine(win_calibration_state, win_calibration_state) IS
'the state of the rows of both states (transition and combine function of win_calibration_merge); a NULL state is skipped; states with different bins are an error';

CREATE FUNCTION win_calibration_state_final(win_calibration_state)
RETURNS win_calibration
AS 'MODULE_PATHNAME', 'win_calibration_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION win_calibration_state_final(win_calibration_state) IS
'final function of win_calibration_merge: win_calibration of the rows behind the state; NULL when none';

CREATE AGGREGATE win_calibration(p float8, won boolean) (
    SFUNC = win_calibration_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = win_calibration_final,
    COMBINEFUNC = win_calibration_combine,
    SERIALFUNC = win_calibration_serialize,
    DESERIALFUNC = win_calibration_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE win_calibration(float8, boolean) IS
'how well close probabilities p matched the outcomes won: deals, wins, base_rate, brier, brier_skill, log_loss, ece and the reliability table in 10 equal-width bins as scikit-learn''s calibration_curve(strategy=''uniform''); rows with a NULL p or won ignored; NULL when none remains';

CREATE AGGREGATE win_calibration(p float8, won boolean, bins int) (
    SFUNC = win_calibration_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = win_calibration_final,
    COMBINEFUNC = win_calibration_combine,
    SERIALFUNC = win_calibration_serialize,
    DESERIALFUNC = win_calibration_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE win_calibration(float8, boolean, int) IS
'how well close probabilities p matched the outcomes won: deals, wins, base_rate, brier, brier_skill, log_loss, ece and the reliability table in bins (1 to 10000) equal-width bins as scikit-learn''s calibration_curve(strategy=''uniform''); rows with a NULL p or won ignored; NULL when none remains';

CREATE AGGREGATE win_calibration_partial(p float8, won boolean) (
    SFUNC = win_calibration_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = win_calibration_partial_final,
    COMBINEFUNC = win_calibration_combine,
    SERIALFUNC = win_calibration_serialize,
    DESERIALFUNC = win_calibration_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE win_calibration_partial(float8, boolean) IS
'partial state of win_calibration (10 bins) over these rows, as a transferable win_calibration_state; combine states with win_calibration_merge()';

CREATE AGGREGATE win_calibration_partial(p float8, won boolean, bins int) (
    SFUNC = win_calibration_trans,
    STYPE = internal,
    SSPACE = 320,
    FINALFUNC = win_calibration_partial_final,
    COMBINEFUNC = win_calibration_combine,
    SERIALFUNC = win_calibration_serialize,
    DESERIALFUNC = win_calibration_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE win_calibration_partial(float8, boolean, int) IS
'partial state of win_calibration with bins over these rows, as a transferable win_calibration_state; combine states with win_calibration_merge()';

CREATE AGGREGATE win_calibration_merge(state win_calibration_state) (
    SFUNC = win_calibration_state_combine,
    STYPE = win_calibration_state,
    SSPACE = 320,
    FINALFUNC = win_calibration_state_final,
    COMBINEFUNC = win_calibration_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE win_calibration_merge(win_calibration_state) IS
'win_calibration of the rows behind the win_calibration_partial() states merged (NULL states skipped); states with different bins are an error; its state is win_calibration_state itself, so Citus splits it';

-- isotonic_fit, isotonic_predict (src/isotonic.c) ----------------------------

CREATE TYPE isotonic_model;

CREATE FUNCTION isotonic_model_in(cstring)
RETURNS isotonic_model
AS 'MODULE_PATHNAME', 'isotonic_model_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_model_in(cstring) IS
'text input of isotonic_model: "v1 rows=N points=x:y,x:y,..." with x finite and strictly increasing, y non-decreasing in [0, 1], 1 to 1000000 points and rows >= points; anything else is refused';

CREATE FUNCTION isotonic_model_out(isotonic_model)
RETURNS cstring
AS 'MODULE_PATHNAME', 'isotonic_model_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_model_out(isotonic_model) IS
'text output of isotonic_model; every float8 in its shortest exact form, so a dump restores the same model';

CREATE FUNCTION isotonic_model_recv(internal)
RETURNS isotonic_model
AS 'MODULE_PATHNAME', 'isotonic_model_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_model_recv(internal) IS
'binary input of isotonic_model; values the text input would refuse are refused';

CREATE FUNCTION isotonic_model_send(isotonic_model)
RETURNS bytea
AS 'MODULE_PATHNAME', 'isotonic_model_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_model_send(isotonic_model) IS
'binary output of isotonic_model';

CREATE TYPE isotonic_model (
    INPUT = isotonic_model_in,
    OUTPUT = isotonic_model_out,
    RECEIVE = isotonic_model_recv,
    SEND = isotonic_model_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE isotonic_model IS
'a non-decreasing calibration map from a score to a chance of winning, as isotonic_fit() learns it: the points (score, fitted win rate) of scikit-learn''s IsotonicRegression thresholds and the rows it was fitted on; text form "v1 rows=N points=x:y,x:y,..."';

CREATE TYPE isotonic_fit_state;

CREATE FUNCTION isotonic_fit_state_in(cstring)
RETURNS isotonic_fit_state
AS 'MODULE_PATHNAME', 'isotonic_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_in(cstring) IS
'text input of isotonic_fit_state; malformed or inconsistent text is refused';

CREATE FUNCTION isotonic_fit_state_out(isotonic_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'isotonic_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_out(isotonic_fit_state) IS
'text output of isotonic_fit_state';

CREATE FUNCTION isotonic_fit_state_recv(internal)
RETURNS isotonic_fit_state
AS 'MODULE_PATHNAME', 'isotonic_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_recv(internal) IS
'binary input of isotonic_fit_state; malformed or inconsistent values are refused';

CREATE FUNCTION isotonic_fit_state_send(isotonic_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'isotonic_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_send(isotonic_fit_state) IS
'binary output of isotonic_fit_state';

CREATE TYPE isotonic_fit_state (
    INPUT = isotonic_fit_state_in,
    OUTPUT = isotonic_fit_state_out,
    RECEIVE = isotonic_fit_state_recv,
    SEND = isotonic_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE isotonic_fit_state IS
'transferable partial state of isotonic_fit: isotonic_fit_partial() returns it, isotonic_fit_merge() combines it; text form "v1 points=score:deals:wins,...|none"';

CREATE FUNCTION isotonic_fit_trans(internal, float8, boolean)
RETURNS internal
AS 'MODULE_PATHNAME', 'isotonic_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_trans(internal, float8, boolean) IS
'transition function of isotonic_fit and isotonic_fit_partial; rows with a NULL score or won are skipped, a score that is NaN or infinite is an error';

CREATE FUNCTION isotonic_fit_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'isotonic_fit_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_combine(internal, internal) IS
'combine function of the isotonic_fit aggregates';

CREATE FUNCTION isotonic_fit_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'isotonic_fit_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_serialize(internal) IS
'serialize function of the isotonic_fit aggregates';

CREATE FUNCTION isotonic_fit_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'isotonic_fit_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_deserialize(bytea, internal) IS
'deserialize function of the isotonic_fit aggregates';

CREATE FUNCTION isotonic_fit_final(internal)
RETURNS isotonic_model
AS 'MODULE_PATHNAME', 'isotonic_fit_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_final(internal) IS
'final function of isotonic_fit: NULL when no row counted';

CREATE FUNCTION isotonic_fit_partial_final(internal)
RETURNS isotonic_fit_state
AS 'MODULE_PATHNAME', 'isotonic_fit_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_partial_final(internal) IS
'final function of isotonic_fit_partial: the state as a isotonic_fit_state value';

CREATE FUNCTION isotonic_fit_merge_trans(internal, isotonic_fit_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'isotonic_fit_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_merge_trans(internal, isotonic_fit_state) IS
'transition function of the internal-state merge of isotonic_fit states; NULL states are skipped';

CREATE FUNCTION isotonic_fit_state_combine(isotonic_fit_state, isotonic_fit_state)
RETURNS isotonic_fit_state
AS 'MODULE_PATHNAME', 'isotonic_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_combine(isotonic_fit_state, isotonic_fit_state) IS
'the state of the rows of both states (transition and combine function of isotonic_fit_merge); a NULL state is skipped';

CREATE FUNCTION isotonic_fit_state_final(isotonic_fit_state)
RETURNS isotonic_model
AS 'MODULE_PATHNAME', 'isotonic_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_fit_state_final(isotonic_fit_state) IS
'final function of isotonic_fit_merge: isotonic_fit of the rows behind the state; NULL when none';

CREATE AGGREGATE isotonic_fit(score float8, won boolean) (
    SFUNC = isotonic_fit_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = isotonic_fit_final,
    COMBINEFUNC = isotonic_fit_combine,
    SERIALFUNC = isotonic_fit_serialize,
    DESERIALFUNC = isotonic_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE isotonic_fit(float8, boolean) IS
'the non-decreasing map from score to the chance of winning that scikit-learn''s IsotonicRegression(out_of_bounds=''clip'') fits: equal scores pooled, then pool-adjacent-violators; rows with a NULL score or won ignored; NULL when none remains';

CREATE AGGREGATE isotonic_fit_partial(score float8, won boolean) (
    SFUNC = isotonic_fit_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = isotonic_fit_partial_final,
    COMBINEFUNC = isotonic_fit_combine,
    SERIALFUNC = isotonic_fit_serialize,
    DESERIALFUNC = isotonic_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE isotonic_fit_partial(float8, boolean) IS
'partial state of isotonic_fit over these rows (the distinct scores with their deals and wins), as a transferable isotonic_fit_state; combine states with isotonic_fit_merge()';

CREATE AGGREGATE isotonic_fit_merge(state isotonic_fit_state) (
    SFUNC = isotonic_fit_state_combine,
    STYPE = isotonic_fit_state,
    SSPACE = 8192,
    FINALFUNC = isotonic_fit_state_final,
    COMBINEFUNC = isotonic_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE isotonic_fit_merge(isotonic_fit_state) IS
'isotonic_fit of the rows behind the isotonic_fit_partial() states merged (NULL states skipped); its state is isotonic_fit_state itself, so Citus splits it';

CREATE FUNCTION isotonic_predict(model isotonic_model, score float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'isotonic_predict'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION isotonic_predict(model isotonic_model, score float8) IS
'the calibrated chance of winning at score: linear between the model''s points, the end values outside them (IsotonicRegression(out_of_bounds=''clip'').predict); NaN or infinite score is an error';

-- forecast_backtest (src/forecast_backtest.c) --------------------------------

CREATE TYPE forecast_backtest AS (
    periods   bigint,
    inside    float8,
    below_p10 float8,
    above_p90 float8,
    pinball   float8,
    mape      float8,
    bias      float8
);

COMMENT ON TYPE forecast_backtest IS 'result of forecast_backtest(): periods scored, share of actuals inside [p10, p90], below p10 and above p90, mean pinball loss over 0.1/0.5/0.9, and MAPE and bias of p50 over periods with actual > 0 (NULL when none)';

CREATE TYPE forecast_backtest_state;

CREATE FUNCTION forecast_backtest_state_in(cstring)
RETURNS forecast_backtest_state
AS 'MODULE_PATHNAME', 'forecast_backtest_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_in(cstring) IS
'text input of forecast_backtest_state; malformed or inconsistent text is refused';

CREATE FUNCTION forecast_backtest_state_out(forecast_backtest_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'forecast_backtest_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_out(forecast_backtest_state) IS
'text output of forecast_backtest_state';

CREATE FUNCTION forecast_backtest_state_recv(internal)
RETURNS forecast_backtest_state
AS 'MODULE_PATHNAME', 'forecast_backtest_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_recv(internal) IS
'binary input of forecast_backtest_state; malformed or inconsistent values are refused';

CREATE FUNCTION forecast_backtest_state_send(forecast_backtest_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'forecast_backtest_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_send(forecast_backtest_state) IS
'binary output of forecast_backtest_state';

CREATE TYPE forecast_backtest_state (
    INPUT = forecast_backtest_state_in,
    OUTPUT = forecast_backtest_state_out,
    RECEIVE = forecast_backtest_state_recv,
    SEND = forecast_backtest_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE forecast_backtest_state IS
'transferable partial state of forecast_backtest: forecast_backtest_partial() returns it, forecast_backtest_merge() combines it; text form "v1 periods=N inside=N below=N above=N positive=N pinball=X ape=X bias=X"';

CREATE FUNCTION forecast_backtest_trans(internal, numeric, numeric, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'forecast_backtest_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_trans(internal, numeric, numeric, numeric, numeric) IS
'transition function of forecast_backtest and forecast_backtest_partial; rows with any NULL are skipped; NaN or infinite values and p10 > p50 or p50 > p90 are errors';

CREATE FUNCTION forecast_backtest_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'forecast_backtest_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_combine(internal, internal) IS
'combine function of the forecast_backtest aggregates';

CREATE FUNCTION forecast_backtest_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'forecast_backtest_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_serialize(internal) IS
'serialize function of the forecast_backtest aggregates';

CREATE FUNCTION forecast_backtest_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'forecast_backtest_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_deserialize(bytea, internal) IS
'deserialize function of the forecast_backtest aggregates';

CREATE FUNCTION forecast_backtest_final(internal)
RETURNS forecast_backtest
AS 'MODULE_PATHNAME', 'forecast_backtest_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_final(internal) IS
'final function of forecast_backtest: NULL when no row counted';

CREATE FUNCTION forecast_backtest_partial_final(internal)
RETURNS forecast_backtest_state
AS 'MODULE_PATHNAME', 'forecast_backtest_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_partial_final(internal) IS
'final function of forecast_backtest_partial: the state as a forecast_backtest_state value';

CREATE FUNCTION forecast_backtest_merge_trans(internal, forecast_backtest_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'forecast_backtest_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_merge_trans(internal, forecast_backtest_state) IS
'transition function of the internal-state merge of forecast_backtest states; NULL states are skipped';

CREATE FUNCTION forecast_backtest_state_combine(forecast_backtest_state, forecast_backtest_state)
RETURNS forecast_backtest_state
AS 'MODULE_PATHNAME', 'forecast_backtest_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_combine(forecast_backtest_state, forecast_backtest_state) IS
'the state of the rows of both states (transition and combine function of forecast_backtest_merge); a NULL state is skipped';

CREATE FUNCTION forecast_backtest_state_final(forecast_backtest_state)
RETURNS forecast_backtest
AS 'MODULE_PATHNAME', 'forecast_backtest_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION forecast_backtest_state_final(forecast_backtest_state) IS
'final function of forecast_backtest_merge: forecast_backtest of the rows behind the state; NULL when none';

CREATE AGGREGATE forecast_backtest(actual numeric, p10 numeric, p50 numeric, p90 numeric) (
    SFUNC = forecast_backtest_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = forecast_backtest_final,
    COMBINEFUNC = forecast_backtest_combine,
    SERIALFUNC = forecast_backtest_serialize,
    DESERIALFUNC = forecast_backtest_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE forecast_backtest(numeric, numeric, numeric, numeric) IS
'how past forecasts held, one row per period: periods, inside (share with p10 <= actual <= p90), below_p10, above_p90, pinball (mean pinball loss at 0.1/0.5/0.9), mape and bias of p50 over actual > 0; rows with a NULL ignored; NULL when none remains';

CREATE AGGREGATE forecast_backtest_partial(actual numeric, p10 numeric, p50 numeric, p90 numeric) (
    SFUNC = forecast_backtest_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = forecast_backtest_partial_final,
    COMBINEFUNC = forecast_backtest_combine,
    SERIALFUNC = forecast_backtest_serialize,
    DESERIALFUNC = forecast_backtest_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE forecast_backtest_partial(numeric, numeric, numeric, numeric) IS
'partial state of forecast_backtest over these rows, as a transferable forecast_backtest_state; combine states with forecast_backtest_merge()';

CREATE AGGREGATE forecast_backtest_merge(state forecast_backtest_state) (
    SFUNC = forecast_backtest_state_combine,
    STYPE = forecast_backtest_state,
    SSPACE = 96,
    FINALFUNC = forecast_backtest_state_final,
    COMBINEFUNC = forecast_backtest_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE forecast_backtest_merge(forecast_backtest_state) IS
'forecast_backtest of the periods behind the forecast_backtest_partial() states merged (NULL states skipped); its state is forecast_backtest_state itself, so Citus splits it';


-- (end of §15)


-- ---------------------------------------------------------------------------
-- SPEC §16: the quarter's shape, the bar and the pay -- booking_rhythm,
-- quota_allocate, quota_capacity, commission, attainment_distribution (issue 25)
-- ---------------------------------------------------------------------------

-- The aggregates keep internal states with serialize/deserialize for
-- parallel plans; each ships X_partial (the transferable X_state) and
-- X_merge(X_state), whose working state is X_state itself (src/state_merge.c),
-- so Citus splits it.  Aggregates take no DEFAULT arguments: holidays is an
-- overload.  doc/quarter.md is the reference.

-- booking_rhythm (src/booking_rhythm.c) -------------------------------------

CREATE TYPE booking_rhythm AS (
    total               numeric,
    share_by_third      float8[],
    share_last_5_days   float8,
    weekly_gini         float8,
    weeks_with_bookings int,
    max_week_share      float8
);

COMMENT ON TYPE booking_rhythm IS 'result of booking_rhythm(): exact total of the period, share by thirds cut at quota_steps(..., 3)''s due dates, share of the last five counted days, Gini of the weekly totals, weeks with bookings, the largest week''s share';

CREATE TYPE booking_rhythm_state;

CREATE FUNCTION booking_rhythm_state_in(cstring)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_in(cstring) IS 'text input of booking_rhythm_state; malformed values are refused (22P02)';

CREATE FUNCTION booking_rhythm_state_out(booking_rhythm_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'booking_rhythm_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_out(booking_rhythm_state) IS 'text output of booking_rhythm_state';

CREATE FUNCTION booking_rhythm_state_recv(internal)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_recv(internal) IS 'binary input of booking_rhythm_state; malformed values are refused (22P03)';

CREATE FUNCTION booking_rhythm_state_send(booking_rhythm_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'booking_rhythm_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_send(booking_rhythm_state) IS 'binary output of booking_rhythm_state';

CREATE TYPE booking_rhythm_state (
    INPUT = booking_rhythm_state_in,
    OUTPUT = booking_rhythm_state_out,
    RECEIVE = booking_rhythm_state_recv,
    SEND = booking_rhythm_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE booking_rhythm_state IS 'transferable partial state of booking_rhythm: booking_rhythm_partial() returns it, booking_rhythm_merge() combines it; the period''s cut dates, exact sums of the thirds, the last five days and every week; text form "v1 start=D end=D d1=D d2=D last5=D total=X thirds=X,X,X last5sum=X weeks=N:X,..."';

CREATE FUNCTION booking_rhythm_trans(internal, date, numeric, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_trans(internal, date, numeric, date, date) IS 'transition function of booking_rhythm and booking_rhythm_partial';

CREATE FUNCTION booking_rhythm_trans(internal, date, numeric, date, date, date[])
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_trans(internal, date, numeric, date, date, date[]) IS 'transition function of booking_rhythm and booking_rhythm_partial';

CREATE FUNCTION booking_rhythm_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_combine(internal, internal) IS 'combine function of the booking_rhythm aggregates; states with different parameters are an error';

CREATE FUNCTION booking_rhythm_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'booking_rhythm_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_serialize(internal) IS 'serialize function of the booking_rhythm aggregates';

CREATE FUNCTION booking_rhythm_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_deserialize(bytea, internal) IS 'deserialize function of the booking_rhythm aggregates';

CREATE FUNCTION booking_rhythm_final(internal)
RETURNS booking_rhythm
AS 'MODULE_PATHNAME', 'booking_rhythm_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_final(internal) IS 'final function of booking_rhythm and booking_rhythm_merge; NULL without rows';

CREATE FUNCTION booking_rhythm_partial_final(internal)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_partial_final(internal) IS 'final function of booking_rhythm_partial: the state as a booking_rhythm_state value';

CREATE FUNCTION booking_rhythm_merge_trans(internal, booking_rhythm_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_merge_trans(internal, booking_rhythm_state) IS 'transition function of a booking_rhythm_merge over internal states; NULL states are skipped';

CREATE FUNCTION booking_rhythm_state_combine(booking_rhythm_state, booking_rhythm_state)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_combine(booking_rhythm_state, booking_rhythm_state) IS 'transition and combine function of booking_rhythm_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION booking_rhythm_state_final(booking_rhythm_state)
RETURNS booking_rhythm
AS 'MODULE_PATHNAME', 'booking_rhythm_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_final(booking_rhythm_state) IS 'final function of booking_rhythm_merge: booking_rhythm''s result from a merged state';

CREATE AGGREGATE booking_rhythm(ts date, amount numeric, period_start date, period_end date) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm(date, numeric, date, date) IS
'the shape of a period''s bookings: total (exact sum), share_by_third (cut at the due dates of quota_steps(..., 3) over the same period and holidays; an order on a day that is not counted falls in the part of the next counted day), share_last_5_days (from the fifth-last counted day), weekly_gini over every Monday-based week touching the period (zero weeks included), weeks_with_bookings, max_week_share; shares NULL when total is 0; rows outside the period or with NULL ts/amount ignored; NULL without rows; a period needs at least 3 counted days (holidays none)';

CREATE AGGREGATE booking_rhythm(ts date, amount numeric, period_start date, period_end date, holidays date[]) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm(date, numeric, date, date, date[]) IS
'the shape of a period''s bookings: total (exact sum), share_by_third (cut at the due dates of quota_steps(..., 3) over the same period and holidays; an order on a day that is not counted falls in the part of the next counted day), share_last_5_days (from the fifth-last counted day), weekly_gini over every Monday-based week touching the period (zero weeks included), weeks_with_bookings, max_week_share; shares NULL when total is 0; rows outside the period or with NULL ts/amount ignored; NULL without rows; a period needs at least 3 counted days';

CREATE AGGREGATE booking_rhythm_partial(ts date, amount numeric, period_start date, period_end date) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_partial_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_partial(date, numeric, date, date) IS
'partial state of booking_rhythm over these rows, as a transferable booking_rhythm_state; combine states with booking_rhythm_merge()';

CREATE AGGREGATE booking_rhythm_partial(ts date, amount numeric, period_start date, period_end date, holidays date[]) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_partial_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_partial(date, numeric, date, date, date[]) IS
'partial state of booking_rhythm with holidays over these rows, as a transferable booking_rhythm_state; combine states with booking_rhythm_merge()';

CREATE AGGREGATE booking_rhythm_merge(state booking_rhythm_state) (
    SFUNC = booking_rhythm_state_combine,
    STYPE = booking_rhythm_state,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_state_final,
    COMBINEFUNC = booking_rhythm_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_merge(booking_rhythm_state) IS
'booking_rhythm of the rows behind the booking_rhythm_partial() states merged (NULL states skipped); states of different periods or cut dates are an error';


-- quota_allocate (src/quota_allocate.c) -------------------------------------

CREATE FUNCTION quota_allocate(total numeric, weight numeric)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_allocate'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_allocate(numeric, numeric) IS 'window function: each row''s share of the partition''s total in proportion to weight, rounded to the scale of total (at least 2 decimals) by the largest-remainder method, so the partition''s shares sum to total exactly; ties in remainder go to the larger weight, then to the earlier row in the window''s ORDER BY; one total per partition, weights >= 0 with a positive sum; rows with a NULL total or weight get NULL and no share';

-- commission (src/commission.c) ---------------------------------------------

CREATE FUNCTION commission(credit numeric, quota numeric, tiers numeric[], marginal boolean DEFAULT true)
RETURNS numeric
AS 'MODULE_PATHNAME', 'commission'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION commission(numeric, numeric, numeric[], boolean) IS 'pay of a tiered plan: tiers {from_1, rate_1, from_2, rate_2, ...}, from as attainment (share of quota, from_1 = 0, increasing), rate a share of credit; marginal: each part of credit pays its tier''s rate; whole-tier: all credit pays the rate of the tier the attainment reaches (a boundary belongs to the tier above); rounded half away from zero to the scale of credit, at least 2 decimals; quota > 0, credit >= 0, rates >= 0';

-- quota_capacity (src/quota_capacity.c) -------------------------------------

CREATE TYPE quota_capacity_state;

CREATE FUNCTION quota_capacity_state_in(cstring)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_in(cstring) IS 'text input of quota_capacity_state; malformed values are refused (22P02)';

CREATE FUNCTION quota_capacity_state_out(quota_capacity_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'quota_capacity_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_out(quota_capacity_state) IS 'text output of quota_capacity_state';

CREATE FUNCTION quota_capacity_state_recv(internal)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_recv(internal) IS 'binary input of quota_capacity_state; malformed values are refused (22P03)';

CREATE FUNCTION quota_capacity_state_send(quota_capacity_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'quota_capacity_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_send(quota_capacity_state) IS 'binary output of quota_capacity_state';

CREATE TYPE quota_capacity_state (
    INPUT = quota_capacity_state_in,
    OUTPUT = quota_capacity_state_out,
    RECEIVE = quota_capacity_state_recv,
    SEND = quota_capacity_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE quota_capacity_state IS 'transferable partial state of quota_capacity: quota_capacity_partial() returns it, quota_capacity_merge() combines it; row count, the largest scale of quota, the exact unrounded sum; text form "v1 rows=N scale=S sum=X"';

CREATE FUNCTION quota_capacity_trans(internal, numeric, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_trans(internal, numeric, float8, float8) IS 'transition function of quota_capacity and quota_capacity_partial';

CREATE FUNCTION quota_capacity_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_combine(internal, internal) IS 'combine function of the quota_capacity aggregates; states with different parameters are an error';

CREATE FUNCTION quota_capacity_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'quota_capacity_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_serialize(internal) IS 'serialize function of the quota_capacity aggregates';

CREATE FUNCTION quota_capacity_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_deserialize(bytea, internal) IS 'deserialize function of the quota_capacity aggregates';

CREATE FUNCTION quota_capacity_final(internal)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_capacity_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_final(internal) IS 'final function of quota_capacity and quota_capacity_merge; NULL without rows';

CREATE FUNCTION quota_capacity_partial_final(internal)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_partial_final(internal) IS 'final function of quota_capacity_partial: the state as a quota_capacity_state value';

CREATE FUNCTION quota_capacity_merge_trans(internal, quota_capacity_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_merge_trans(internal, quota_capacity_state) IS 'transition function of a quota_capacity_merge over internal states; NULL states are skipped';

CREATE FUNCTION quota_capacity_state_combine(quota_capacity_state, quota_capacity_state)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_combine(quota_capacity_state, quota_capacity_state) IS 'transition and combine function of quota_capacity_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION quota_capacity_state_final(quota_capacity_state)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_capacity_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_final(quota_capacity_state) IS 'final function of quota_capacity_merge: quota_capacity''s result from a merged state';

CREATE AGGREGATE quota_capacity(quota numeric, ramp_share float8, attainment_factor float8) (
    SFUNC = quota_capacity_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = quota_capacity_final,
    COMBINEFUNC = quota_capacity_combine,
    SERIALFUNC = quota_capacity_serialize,
    DESERIALFUNC = quota_capacity_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity(numeric, float8, float8) IS
'what the team can carry: sum(quota * ramp_share * attainment_factor), each float8 taken as the numeric it casts to, the sum exact and rounded once half away from zero to the largest scale of quota (at least 2 decimals); ramp_share in [0, 1], attainment_factor >= 0, quota >= 0; rows with a NULL argument ignored; NULL without rows';

CREATE AGGREGATE quota_capacity_partial(quota numeric, ramp_share float8, attainment_factor float8) (
    SFUNC = quota_capacity_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = quota_capacity_partial_final,
    COMBINEFUNC = quota_capacity_combine,
    SERIALFUNC = quota_capacity_serialize,
    DESERIALFUNC = quota_capacity_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity_partial(numeric, float8, float8) IS
'partial state of quota_capacity over these rows, as a transferable quota_capacity_state; combine states with quota_capacity_merge()';

CREATE AGGREGATE quota_capacity_merge(state quota_capacity_state) (
    SFUNC = quota_capacity_state_combine,
    STYPE = quota_capacity_state,
    SSPACE = 64,
    FINALFUNC = quota_capacity_state_final,
    COMBINEFUNC = quota_capacity_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity_merge(quota_capacity_state) IS
'quota_capacity of the rows behind the quota_capacity_partial() states merged (NULL states skipped)';


-- attainment_distribution (src/attainment_distribution.c) -------------------

CREATE TYPE attainment_distribution AS (
    reps          bigint,
    at_or_above_1 float8,
    p10           float8,
    p50           float8,
    p90           float8,
    gini          float8
);

COMMENT ON TYPE attainment_distribution IS 'result of attainment_distribution(): reps, share of reps at or above 1, p10/p50/p90 as percentile_cont, Gini coefficient';

CREATE TYPE attainment_distribution_state;

CREATE FUNCTION attainment_distribution_state_in(cstring)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_in(cstring) IS 'text input of attainment_distribution_state; malformed values are refused (22P02)';

CREATE FUNCTION attainment_distribution_state_out(attainment_distribution_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'attainment_distribution_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_out(attainment_distribution_state) IS 'text output of attainment_distribution_state';

CREATE FUNCTION attainment_distribution_state_recv(internal)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_recv(internal) IS 'binary input of attainment_distribution_state; malformed values are refused (22P03)';

CREATE FUNCTION attainment_distribution_state_send(attainment_distribution_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'attainment_distribution_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_send(attainment_distribution_state) IS 'binary output of attainment_distribution_state';

CREATE TYPE attainment_distribution_state (
    INPUT = attainment_distribution_state_in,
    OUTPUT = attainment_distribution_state_out,
    RECEIVE = attainment_distribution_state_recv,
    SEND = attainment_distribution_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE attainment_distribution_state IS 'transferable partial state of attainment_distribution: attainment_distribution_partial() returns it, attainment_distribution_merge() combines it; every attainment (8 bytes a rep); text form "v1 n=N values=x,x,..."';

CREATE FUNCTION attainment_distribution_trans(internal, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_trans(internal, float8) IS 'transition function of attainment_distribution and attainment_distribution_partial';

CREATE FUNCTION attainment_distribution_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_combine(internal, internal) IS 'combine function of the attainment_distribution aggregates; states with different parameters are an error';

CREATE FUNCTION attainment_distribution_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'attainment_distribution_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_serialize(internal) IS 'serialize function of the attainment_distribution aggregates';

CREATE FUNCTION attainment_distribution_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_deserialize(bytea, internal) IS 'deserialize function of the attainment_distribution aggregates';

CREATE FUNCTION attainment_distribution_final(internal)
RETURNS attainment_distribution
AS 'MODULE_PATHNAME', 'attainment_distribution_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_final(internal) IS 'final function of attainment_distribution and attainment_distribution_merge; NULL without rows';

CREATE FUNCTION attainment_distribution_partial_final(internal)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_partial_final(internal) IS 'final function of attainment_distribution_partial: the state as a attainment_distribution_state value';

CREATE FUNCTION attainment_distribution_merge_trans(internal, attainment_distribution_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_merge_trans(internal, attainment_distribution_state) IS 'transition function of a attainment_distribution_merge over internal states; NULL states are skipped';

CREATE FUNCTION attainment_distribution_state_combine(attainment_distribution_state, attainment_distribution_state)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_combine(attainment_distribution_state, attainment_distribution_state) IS 'transition and combine function of attainment_distribution_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION attainment_distribution_state_final(attainment_distribution_state)
RETURNS attainment_distribution
AS 'MODULE_PATHNAME', 'attainment_distribution_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_final(attainment_distribution_state) IS 'final function of attainment_distribution_merge: attainment_distribution''s result from a merged state';

CREATE AGGREGATE attainment_distribution(attainment float8) (
    SFUNC = attainment_distribution_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_final,
    COMBINEFUNC = attainment_distribution_combine,
    SERIALFUNC = attainment_distribution_serialize,
    DESERIALFUNC = attainment_distribution_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution(float8) IS
'how attainment spreads over the reps: reps, at_or_above_1 (share with attainment >= 1), p10, p50, p90 (as percentile_cont), gini (sum_i sum_j |x_i - x_j| / (2 n^2 mean), NULL when every attainment is 0); attainment finite and >= 0; NULL rows ignored; NULL without rows';

CREATE AGGREGATE attainment_distribution_partial(attainment float8) (
    SFUNC = attainment_distribution_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_partial_final,
    COMBINEFUNC = attainment_distribution_combine,
    SERIALFUNC = attainment_distribution_serialize,
    DESERIALFUNC = attainment_distribution_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution_partial(float8) IS
'partial state of attainment_distribution over these rows, as a transferable attainment_distribution_state; combine states with attainment_distribution_merge()';

CREATE AGGREGATE attainment_distribution_merge(state attainment_distribution_state) (
    SFUNC = attainment_distribution_state_combine,
    STYPE = attainment_distribution_state,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_state_final,
    COMBINEFUNC = attainment_distribution_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution_merge(attainment_distribution_state) IS
'attainment_distribution of the rows behind the attainment_distribution_partial() states merged (NULL states skipped)';

-- (end of §16)


-- ---------------------------------------------------------------------------
-- SPEC §17: margin and lead load -- price_realization, lead_load,
-- lead_load_trend (issue 26)
-- ---------------------------------------------------------------------------
-- price_realization (src/price_realization.c) ----------------------------
-- The state keeps each deal's discount share (8 bytes a deal, at most 100
-- million deals a group) so that the percentiles equal percentile_cont;
-- the sums are exact.  Aggregates cannot have DEFAULT arguments: cost and
-- discount_floor are overloads with fewer arguments.

CREATE TYPE price_realization AS (
    deals            bigint,
    list_total       numeric,
    net_total        numeric,
    discount_total   numeric,
    realization      float8,
    discount_p50     float8,
    discount_p90     float8,
    margin_total     numeric,
    pocket_margin    float8,
    deals_over_floor bigint
);

COMMENT ON TYPE price_realization IS 'result of price_realization(): deals, exact list/net/discount totals, realisation net/list, median and 90th percentile of the per-deal discount share ((list - net) / list, as percentile_cont), margin net - cost over deals with a cost, pocket margin margin_total / their net, deals discounted beyond the floor';

CREATE TYPE price_realization_state;

CREATE FUNCTION price_realization_state_in(cstring)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_in(cstring) IS 'text input of price_realization_state; malformed or inconsistent values are refused';

CREATE FUNCTION price_realization_state_out(price_realization_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'price_realization_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_out(price_realization_state) IS 'text output of price_realization_state';

CREATE FUNCTION price_realization_state_recv(internal)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_recv(internal) IS 'binary input of price_realization_state; malformed or inconsistent values are refused';

CREATE FUNCTION price_realization_state_send(price_realization_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'price_realization_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_send(price_realization_state) IS 'binary output of price_realization_state';

CREATE TYPE price_realization_state (
    INPUT = price_realization_state_in,
    OUTPUT = price_realization_state_out,
    RECEIVE = price_realization_state_recv,
    SEND = price_realization_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE price_realization_state IS 'transferable partial state of price_realization: price_realization_partial() returns it, price_realization_merge() combines it; text form "v1 floor=... deals=... list=... net=... costed=... net_costed=... cost=... over_floor=... shares=..." (one discount share per deal)';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric) IS 'transition function of price_realization(list_amount, net_amount) and its partial';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric, numeric) IS 'transition function of price_realization(list_amount, net_amount, cost) and its partial';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric, numeric, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric, numeric, float8) IS 'transition function of price_realization(list_amount, net_amount, cost, discount_floor) and its partial';

CREATE FUNCTION price_realization_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_combine(internal, internal) IS 'combine function of the price_realization aggregates; states with different discount_floor are an error';

CREATE FUNCTION price_realization_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'price_realization_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_serialize(internal) IS 'serialize function of the price_realization aggregates';

CREATE FUNCTION price_realization_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_deserialize(bytea, internal) IS 'deserialize function of the price_realization aggregates';

CREATE FUNCTION price_realization_final(internal)
RETURNS price_realization
AS 'MODULE_PATHNAME', 'price_realization_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_final(internal) IS 'final function of price_realization; NULL when no deal counted';

CREATE FUNCTION price_realization_partial_final(internal)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_partial_final(internal) IS 'final function of price_realization_partial: the state as a price_realization_state value';

CREATE FUNCTION price_realization_state_combine(price_realization_state, price_realization_state)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_combine(price_realization_state, price_realization_state) IS 'transition and combine function of price_realization_merge: the two states merged; NULL states are skipped; states with different discount_floor are an error';

CREATE FUNCTION price_realization_state_final(price_realization_state)
RETURNS price_realization
AS 'MODULE_PATHNAME', 'price_realization_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_final(price_realization_state) IS 'final function of price_realization_merge: price_realization''s result from a merged state';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric) IS
'price waterfall of the deals: deals, exact list_total, net_total, discount_total, realization = net/list, discount_p50/p90 = percentile_cont over ((list - net) / list)::float8; no cost (margin fields NULL), no floor (deals_over_floor NULL); rows with NULL list or net skipped; list <= 0 or net < 0 is an error; NULL when no deal';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric, cost numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric, numeric) IS
'price waterfall of the deals with margin: as price_realization(list, net), plus margin_total = exact sum of net - cost over deals whose cost is not NULL and pocket_margin = margin_total / their net; cost < 0 is an error';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric, cost numeric, discount_floor float8) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric, numeric, float8) IS
'price waterfall with margin and a discount floor: deals_over_floor counts deals with (list - net) > discount_floor::numeric * list, exactly (30.00 off 100.00 is not over 0.3); discount_floor in [0, 1], NULL for none, the same on every row of a group';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric, cost numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric, numeric) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric, cost numeric, discount_floor float8) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric, numeric, float8) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_merge(state price_realization_state) (
    SFUNC = price_realization_state_combine,
    STYPE = price_realization_state,
    SSPACE = 8192,
    FINALFUNC = price_realization_state_final,
    COMBINEFUNC = price_realization_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_merge(price_realization_state) IS
'price_realization of the deals behind the price_realization_partial() states merged (NULL states skipped); states with different discount_floor are an error';

-- lead_load (src/lead_load.c) ----------------------------------------------

CREATE TYPE lead_load AS (
    leads            bigint,
    touched_in_sla   bigint,
    won              bigint,
    revenue          numeric,
    revenue_per_lead numeric,
    win_rate         float8
);

COMMENT ON TYPE lead_load IS 'result of lead_load(): leads created in the period, those first touched within sla_days, won, exact revenue of the won leads, revenue per lead (rounded half away from zero to the scale of the amounts, at least 2 decimals), win rate';

CREATE TYPE lead_load_state;

CREATE FUNCTION lead_load_state_in(cstring)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_in(cstring) IS 'text input of lead_load_state; malformed or inconsistent values are refused';

CREATE FUNCTION lead_load_state_out(lead_load_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lead_load_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_out(lead_load_state) IS 'text output of lead_load_state';

CREATE FUNCTION lead_load_state_recv(internal)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_recv(internal) IS 'binary input of lead_load_state; malformed or inconsistent values are refused';

CREATE FUNCTION lead_load_state_send(lead_load_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lead_load_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_send(lead_load_state) IS 'binary output of lead_load_state';

CREATE TYPE lead_load_state (
    INPUT = lead_load_state_in,
    OUTPUT = lead_load_state_out,
    RECEIVE = lead_load_state_recv,
    SEND = lead_load_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE lead_load_state IS 'transferable partial state of lead_load: lead_load_partial() returns it, lead_load_merge() combines it; text form "v1 start=... end=... sla_days=... leads=... touched=... won=... revenue=..."';

CREATE FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date) IS 'transition function of lead_load(created_on, amount, won, first_touch_on, period_start, period_end) and its partial';

CREATE FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date, int)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date, int) IS 'transition function of lead_load(created_on, amount, won, first_touch_on, period_start, period_end, sla_days) and its partial';

CREATE FUNCTION lead_load_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_combine(internal, internal) IS 'combine function of the lead_load aggregates; states with different period or sla_days are an error';

CREATE FUNCTION lead_load_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lead_load_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_serialize(internal) IS 'serialize function of the lead_load aggregates';

CREATE FUNCTION lead_load_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_deserialize(bytea, internal) IS 'deserialize function of the lead_load aggregates';

CREATE FUNCTION lead_load_final(internal)
RETURNS lead_load
AS 'MODULE_PATHNAME', 'lead_load_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_final(internal) IS 'final function of lead_load; zeros (revenue_per_lead and win_rate NULL) when no lead was created in the period';

CREATE FUNCTION lead_load_partial_final(internal)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_partial_final(internal) IS 'final function of lead_load_partial: the state as a lead_load_state value';

CREATE FUNCTION lead_load_state_combine(lead_load_state, lead_load_state)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_combine(lead_load_state, lead_load_state) IS 'transition and combine function of lead_load_merge: the two states merged; NULL states are skipped; states with different period or sla_days are an error';

CREATE FUNCTION lead_load_state_final(lead_load_state)
RETURNS lead_load
AS 'MODULE_PATHNAME', 'lead_load_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_final(lead_load_state) IS 'final function of lead_load_merge: lead_load''s result from a merged state';

CREATE AGGREGATE lead_load(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load(date, numeric, boolean, date, date, date) IS
'lead load of the period [period_start, period_end]: leads created in it, touched_in_sla (first_touch_on - created_on <= 1 day; NULL never touched), won, exact revenue of the won leads, revenue_per_lead, win_rate; rows with NULL created_on skipped, NULL won is not won; negative amount is an error';

CREATE AGGREGATE lead_load(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date, sla_days int) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load(date, numeric, boolean, date, date, date, int) IS
'lead load of the period [period_start, period_end] with an SLA of sla_days (>= 0) for the first touch: leads, touched_in_sla, won, exact revenue, revenue_per_lead, win_rate; NULL parameters and a period_end before period_start are errors';

CREATE AGGREGATE lead_load_partial(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_partial_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_partial(date, numeric, boolean, date, date, date) IS
'partial state of lead_load over these rows, as a transferable lead_load_state; combine states with lead_load_merge()';

CREATE AGGREGATE lead_load_partial(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date, sla_days int) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_partial_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_partial(date, numeric, boolean, date, date, date, int) IS
'partial state of lead_load over these rows, as a transferable lead_load_state; combine states with lead_load_merge()';

CREATE AGGREGATE lead_load_merge(state lead_load_state) (
    SFUNC = lead_load_state_combine,
    STYPE = lead_load_state,
    SSPACE = 96,
    FINALFUNC = lead_load_state_final,
    COMBINEFUNC = lead_load_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_merge(lead_load_state) IS
'lead_load of the leads behind the lead_load_partial() states merged (NULL states skipped); states with different period or sla_days are an error';

CREATE FUNCTION lead_load_trend(current lead_load, prior lead_load, leads_up float8 DEFAULT 0.2, yield_down float8 DEFAULT 0.2)
RETURNS text
AS 'MODULE_PATHNAME', 'lead_load_trend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trend(lead_load, lead_load, float8, float8) IS
'trend of the lead load from prior to current (catalog kind lead_trend): scattered when leads rose by at least leads_up and revenue per lead fell by at least yield_down; else growing when revenue rose by at least leads_up, shrinking when it fell by at least yield_down, steady otherwise; compared exactly (a change of exactly a threshold counts); NULL when prior has no leads or no revenue';
-- (end of §17)


-- ---------------------------------------------------------------------------
-- SPEC §18: the next customer models -- pmfs, paretonbd_value, mbgnbd_*,
-- sbg_* (issue 27)
-- ---------------------------------------------------------------------------
-- purchase_pmf.c: the probability of n purchases and the Pareto/NBD value.
-- Two overloads each: a new customer (model, n, horizon), and a customer
-- with a history (model, n, horizon, frequency, recency, t).

CREATE FUNCTION bgnbd_prob_purchases(model bgnbd_model, n int, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_prob_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_prob_purchases(bgnbd_model, int, float8) IS
'BG/NBD probability that a new customer makes exactly n purchases in the next horizon time units (lifetimes'' probability_of_n_purchases_up_to_time); n >= 0, horizon > 0';

CREATE FUNCTION bgnbd_prob_purchases(model bgnbd_model, n int, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_prob_purchases(bgnbd_model, int, float8, int, float8, float8) IS
'BG/NBD probability that a customer with this summary makes exactly n purchases in the next horizon time units; over n = 0, 1, ... the values sum to 1 and their mean is bgnbd_expected';

CREATE FUNCTION paretonbd_prob_purchases(model paretonbd_model, n int, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_prob_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_prob_purchases(paretonbd_model, int, float8) IS
'Pareto/NBD probability that a new customer makes exactly n purchases in the next horizon time units (BTYD''s pnbd.pmf); n >= 0, horizon > 0';

CREATE FUNCTION paretonbd_prob_purchases(model paretonbd_model, n int, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_prob_purchases(paretonbd_model, int, float8, int, float8, float8) IS
'Pareto/NBD probability that a customer with this summary makes exactly n purchases in the next horizon time units (Fader & Hardie note 028); over n = 0, 1, ... the values sum to 1 and their mean is paretonbd_expected';

CREATE FUNCTION paretonbd_value(model paretonbd_model, gg gammagamma_model, frequency int, recency float8, t float8, monetary numeric, discount_rate float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_value(paretonbd_model, gammagamma_model, int, float8, float8, numeric, float8) IS
'discounted expected residual value of a customer: E(M) from gammagamma_expected_spend times the Pareto/NBD DERT (Fader, Hardie & Lee 2005) at the continuous discount rate discount_rate (> 0) per time unit';

-- mbgnbd (src/mbgnbd.c): the modified BG/NBD of Batislam, Denizel &
-- Filiztekin (2007).  Its fit keeps bgnbd_fit's state and support
-- functions: mbgnbd_fit_partial returns a bgnbd_fit_state, and a state of
-- bgnbd_fit_partial or paretonbd_fit_partial feeds mbgnbd_fit_merge too.

CREATE TYPE mbgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE mbgnbd_model IS
'a fitted modified BG/NBD model (Batislam et al. 2007): purchase rates ~ Gamma(r, alpha), dropout probability ~ Beta(a, b) at every purchase including the first, with the maximised log-likelihood, the number of customers and whether the fit converged';

CREATE FUNCTION mbgnbd_fit_final(internal)
RETURNS mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_final(internal) IS
'final function of mbgnbd_fit: the maximum-likelihood fit; NULL without customers';

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = mbgnbd_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8) IS
'maximum-likelihood modified BG/NBD fit (Batislam, Denizel & Filiztekin 2007; lifetimes'' ModifiedBetaGeoFitter) over customer summaries (frequency, recency, t as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE mbgnbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit_partial(int, float8, float8) IS
'the state of mbgnbd_fit as a transferable bgnbd_fit_state value (the customer summaries bgnbd_fit keeps), to be merged by mbgnbd_fit_merge; NULL without customers';

CREATE FUNCTION mbgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'mbgnbd_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state) IS
'transition and combine function of mbgnbd_fit_merge: the two states merged; NULL states are skipped';

CREATE FUNCTION mbgnbd_fit_state_final(bgnbd_fit_state)
RETURNS mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_state_final(bgnbd_fit_state) IS
'final function of mbgnbd_fit_merge: mbgnbd_fit''s result from a merged state';

CREATE AGGREGATE mbgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = mbgnbd_fit_state_combine,
    STYPE = bgnbd_fit_state,
    SSPACE = 32832,
    FINALFUNC = mbgnbd_fit_state_final,
    COMBINEFUNC = mbgnbd_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit_merge(bgnbd_fit_state) IS
'mbgnbd_fit over the customers of several bgnbd_fit_state values (from mbgnbd_fit_partial, bgnbd_fit_partial or paretonbd_fit_partial); NULL states are skipped';

CREATE FUNCTION mbgnbd_p_alive(model mbgnbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_p_alive(mbgnbd_model, int, float8, float8) IS
'modified BG/NBD probability that a customer with this summary is still active: 1 / (1 + a/(b+frequency) ((alpha+t)/(alpha+recency))^(r+frequency)), below 1 also for one-time buyers';

CREATE FUNCTION mbgnbd_expected(model mbgnbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_expected(mbgnbd_model, float8, int, float8, float8) IS
'modified BG/NBD expected purchases of a customer with this summary in the next horizon time units (lifetimes'' ModifiedBetaGeoFitter.conditional_expected_number_of_purchases_up_to_time)';

-- sbg (src/sbg.c): the shifted-beta-geometric retention model (Fader &
-- Hardie 2007) over one cohort's (period, survivors) rows.

CREATE TYPE sbg_model AS (
    alpha float8,
    beta float8,
    log_likelihood float8,
    periods int,
    converged boolean
);

COMMENT ON TYPE sbg_model IS
'a fitted shifted-beta-geometric model: churn probabilities ~ Beta(alpha, beta), the maximised log-likelihood, the periods observed after the start and whether the fit converged';

CREATE TYPE sbg_fit_state;

CREATE FUNCTION sbg_fit_state_in(cstring)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_in(cstring) IS
'text input of sbg_fit_state: "1:" then (period,survivors) pairs separated by commas; malformed values are refused';

CREATE FUNCTION sbg_fit_state_out(sbg_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'sbg_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_out(sbg_fit_state) IS
'text output of sbg_fit_state: pairs by period';

CREATE FUNCTION sbg_fit_state_recv(internal)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_recv(internal) IS
'binary input of sbg_fit_state; malformed values are refused';

CREATE FUNCTION sbg_fit_state_send(sbg_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'sbg_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_send(sbg_fit_state) IS
'binary output of sbg_fit_state: byte version 1, int32 count, then per pair int32 period, int64 survivors';

CREATE TYPE sbg_fit_state (
    INPUT = sbg_fit_state_in,
    OUTPUT = sbg_fit_state_out,
    RECEIVE = sbg_fit_state_recv,
    SEND = sbg_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE sbg_fit_state IS
'transferable partial state of sbg_fit: sbg_fit_partial() returns it, sbg_fit_merge() combines it; text form "1:(0,1000),(1,869)"';

CREATE FUNCTION sbg_fit_trans(internal, int, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_trans(internal, int, bigint) IS
'transition function of sbg_fit and sbg_fit_partial: rows with a NULL argument are skipped';

CREATE FUNCTION sbg_fit_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_combine(internal, internal) IS
'combine function of the sbg_fit aggregates; a period with two different counts is an error';

CREATE FUNCTION sbg_fit_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'sbg_fit_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_serialize(internal) IS 'serialize function of the sbg_fit aggregates';

CREATE FUNCTION sbg_fit_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_deserialize(bytea, internal) IS 'deserialize function of the sbg_fit aggregates';

CREATE FUNCTION sbg_fit_final(internal)
RETURNS sbg_model
AS 'MODULE_PATHNAME', 'sbg_fit_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_final(internal) IS
'final function of sbg_fit: the maximum-likelihood fit; NULL without rows; errors when period 0 or a later period is missing or survivors increase';

CREATE FUNCTION sbg_fit_partial_final(internal)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_partial_final(internal) IS
'final function of sbg_fit_partial: the state as an sbg_fit_state value; NULL without rows';

CREATE FUNCTION sbg_fit_state_combine(sbg_fit_state, sbg_fit_state)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_combine(sbg_fit_state, sbg_fit_state) IS
'transition and combine function of sbg_fit_merge: the two states merged; NULL states are skipped; a period with two different counts is an error';

CREATE FUNCTION sbg_fit_state_final(sbg_fit_state)
RETURNS sbg_model
AS 'MODULE_PATHNAME', 'sbg_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_final(sbg_fit_state) IS
'final function of sbg_fit_merge: sbg_fit''s result from a merged state';

CREATE AGGREGATE sbg_fit(period int, survivors bigint) (
    SFUNC = sbg_fit_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = sbg_fit_final,
    COMBINEFUNC = sbg_fit_combine,
    SERIALFUNC = sbg_fit_serialize,
    DESERIALFUNC = sbg_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit(int, bigint) IS
'maximum-likelihood shifted-beta-geometric fit (Fader & Hardie 2007) over one cohort: period 0 the starting count, then the survivors at the end of each period 1..m, every period once; survivors must not increase; NULL rows skipped; NULL without rows';

CREATE AGGREGATE sbg_fit_partial(period int, survivors bigint) (
    SFUNC = sbg_fit_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = sbg_fit_partial_final,
    COMBINEFUNC = sbg_fit_combine,
    SERIALFUNC = sbg_fit_serialize,
    DESERIALFUNC = sbg_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit_partial(int, bigint) IS
'the state of sbg_fit as a transferable sbg_fit_state value, to be merged by sbg_fit_merge; NULL without rows';

CREATE AGGREGATE sbg_fit_merge(state sbg_fit_state) (
    SFUNC = sbg_fit_state_combine,
    STYPE = sbg_fit_state,
    SSPACE = 256,
    FINALFUNC = sbg_fit_state_final,
    COMBINEFUNC = sbg_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit_merge(sbg_fit_state) IS
'sbg_fit over the rows of several sbg_fit_state values; a period in two states must have the same count; NULL states are skipped';

CREATE FUNCTION sbg_retention(model sbg_model, period int)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_retention(sbg_model, int) IS
'retention rate of period t >= 1 under the sBG model: (beta + t - 1) / (alpha + beta + t - 1), the share of those active at its start who renew at its end';

CREATE FUNCTION sbg_survival(model sbg_model, period int)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_survival(sbg_model, int) IS
'share of a cohort still active at the end of period t >= 0 under the sBG model: B(alpha, beta + t) / B(alpha, beta), 1 at period 0';
-- (end of §18)


-- ---------------------------------------------------------------------------
-- Labels users can extend (issue 28)
-- ---------------------------------------------------------------------------
-- The built-in catalog stays in the library, versioned with it; a database
-- adds its own rows in quota_label_custom (src/labels.c, doc/labels.md): a
-- code of its own for a kind, or a new kind (a custom RFM map's segments),
-- with rank and colour, and labels in any language; a row for a built-in
-- code overrides its rank, colour or labels.  Marked for pg_dump, so the
-- rows survive dump/restore and ALTER EXTENSION UPDATE.  Who may change it:
-- the role that created (or updated) the extension -- @extowner@ -- and
-- whom it grants to; everyone may read it.  The functions read it through
-- a per-backend cache that a statement trigger invalidates.

CREATE TABLE quota_label_custom (
    kind text NOT NULL
        CONSTRAINT quota_label_custom_kind_check
        CHECK (kind OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,39}$'),
    code text NOT NULL
        CONSTRAINT quota_label_custom_code_check
        CHECK (pg_catalog.length(code) OPERATOR(pg_catalog.>=) 1
               AND pg_catalog.length(code) OPERATOR(pg_catalog.<=) 100
               AND code OPERATOR(pg_catalog.!~) '[[:cntrl:]]'),
    rank int
        CONSTRAINT quota_label_custom_rank_check
        CHECK (rank OPERATOR(pg_catalog.>=) 1 AND rank OPERATOR(pg_catalog.<=) 1000),
    color text
        CONSTRAINT quota_label_custom_color_check
        CHECK (color OPERATOR(pg_catalog.~) '^#[0-9a-f]{6}$'),
    labels jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT quota_label_custom_labels_check
        CHECK (pg_catalog.jsonb_typeof(labels) OPERATOR(pg_catalog.=) 'object'
               AND NOT pg_catalog.jsonb_path_exists(labels, pg_catalog.jsonpath
                   '$.keyvalue() ? (!(@.key like_regex "^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
                                    || @.value.type() != "string"
                                    || !(@.value like_regex "^[^[:cntrl:]]{1,200}$"))')),
    PRIMARY KEY (kind, code)
);

-- (every function and operator in the CHECKs is named with its schema: an
-- installer of a trusted extension owns the target schema and could put a
-- better-matching overload there; test/trusted.sh checks the catalog)

COMMENT ON TABLE quota_label_custom IS
'the label catalog''s rows this database adds (doc/labels.md): a code of its own for a kind, or a new kind, with rank (1 = best news; NULL = no place in the order), colour #rrggbb (NULL: the built-in one, grey for a new code) and labels {"lang": "text"} in any language; a row for a built-in code overrides what it sets. Dumped by pg_dump; changed by the extension owner and whom it grants to';

SELECT pg_catalog.pg_extension_config_dump('quota_label_custom', '');

REVOKE ALL ON quota_label_custom FROM PUBLIC;
GRANT SELECT ON quota_label_custom TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON quota_label_custom TO @extowner@;

CREATE FUNCTION quota_label_custom_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'quota_label_custom_changed'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

COMMENT ON FUNCTION quota_label_custom_changed() IS
'AFTER ... FOR EACH STATEMENT trigger of quota_label_custom: every backend reads the user''s label rows again (this one after the command, the others after the commit)';

CREATE TRIGGER quota_label_custom_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON quota_label_custom
FOR EACH STATEMENT EXECUTE FUNCTION quota_label_custom_changed();

CREATE FUNCTION quota_label_rows()
RETURNS TABLE(kind text, code text, rank int, color text, en text, ru text, bg text, custom boolean)
AS 'MODULE_PATHNAME', 'quota_label_rows'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 60;

COMMENT ON FUNCTION quota_label_rows() IS
'the rows of the quota_labels view: the built-in catalog merged with quota_label_custom; custom is true where a user''s row applies';

CREATE FUNCTION quota_label_text_rows()
RETURNS TABLE(kind text, code text, lang text, label text, custom boolean)
AS 'MODULE_PATHNAME', 'quota_label_text_rows'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 200;

COMMENT ON FUNCTION quota_label_text_rows() IS
'the rows of the quota_label_texts view: every label of every code in every language it has; custom is true for a label from quota_label_custom';

-- quota_labels gains custom (a column at the end: views over it keep working)
CREATE OR REPLACE VIEW quota_labels AS
SELECT kind, code, rank, color, en, ru, bg, custom FROM quota_label_rows();

COMMENT ON VIEW quota_labels IS
'label catalog, one row per code: the built-in kinds (kinetic, rfm, heat, abc, xyz, lead_class, priority, lead_trend, temperature, deal_warning) and the rows of quota_label_custom; rank 1 = best news (NULL: no place in the order); color #rrggbb (built in: ColorBrewer RdYlBu, colour-blind safe; blue best, red worst, Others grey); en, ru, bg as a head of sales says it (English, else the code, where a user''s code has none); custom: a user''s row applies';

CREATE VIEW quota_label_texts AS
SELECT kind, code, lang, label, custom FROM quota_label_text_rows();

COMMENT ON VIEW quota_label_texts IS
'every label of the catalog in every language it has, one row per kind, code and language: the built-in en, ru, bg and the languages of quota_label_custom; custom: the label comes from a user''s row';

-- 1.2's definitions read the built-in catalog with 1.2's texts; 1.3's the
-- merged one, with the heat zones' labels without colour words (their
-- colours are RdYlBu's light blue, pale yellow and orange).
CREATE OR REPLACE FUNCTION quota_label_catalog()
RETURNS TABLE(kind text, code text, rank int, color text, en text, ru text, bg text)
AS 'MODULE_PATHNAME', 'quota_label_catalog_1_3'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 56;

COMMENT ON FUNCTION quota_label_catalog() IS
'the built-in label catalog as this version ships it (without quota_label_custom): every code a function of quota_ext returns from a fixed set, with rank, colour and English, Russian and Bulgarian labels';

CREATE OR REPLACE FUNCTION quota_label(kind text, code text, lang text DEFAULT 'en')
RETURNS text
AS 'MODULE_PATHNAME', 'quota_label_1_3'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_label(text, text, text) IS
'the label of a code in a language the kind has (en, ru, bg, or one of quota_label_custom): the user''s label first, then the built-in one, then English, then the code itself; a code the catalog does not know comes back as it is; unknown kind or language is an error';

CREATE OR REPLACE FUNCTION quota_label_rank(kind text, code text)
RETURNS int
AS 'MODULE_PATHNAME', 'quota_label_rank_1_3'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_label_rank(text, text) IS
'the rank of a code within its kind, 1 the best news, from quota_label_custom where a row sets it; NULL for a code the catalog does not know or without a rank; unknown kind is an error';
COMMENT ON FUNCTION segment_direction(text, text, text) IS
'up when to_code has a better (smaller) rank than from_code in the label catalog (quota_label_custom''s ranks included), down when worse, same when equal, except that a move out of kinetic new is up to growing, returning or steady and down to fading or lost; NULL when a code is NULL, unknown or without a place in the order (rfm Others, a user''s code without a rank); unknown kind is an error';
-- (end of labels)
