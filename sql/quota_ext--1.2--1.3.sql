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
-- (end of §13)


-- ---------------------------------------------------------------------------
-- SPEC §14: the deal diary -- deal_warnings, flag_deal_warnings (issue 23)
-- ---------------------------------------------------------------------------
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
