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


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------

-- gammagamma (src/gammagamma.c): the Gamma-Gamma spend model (Fader &
-- Hardie 2013).  Its state is bgnbd_fit's design (bgnbd.h): distinct
-- (frequency, monetary) with customer counts, combined, serialized and
-- merged by bgnbd_fit's own support functions.

CREATE TYPE gammagamma_model AS (
    p float8,
    q float8,
    gamma float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE gammagamma_model IS
'a fitted Gamma-Gamma spend model: each purchase ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across customers, with the maximised log-likelihood, the customers used (frequency > 0 and monetary > 0) and whether the fit converged';

CREATE TYPE gammagamma_fit_state;

CREATE FUNCTION gammagamma_fit_state_in(cstring)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_in(cstring) IS
'input function of gammagamma_fit_state: "1:" then (frequency,monetary,customers) entries separated by commas';

CREATE FUNCTION gammagamma_fit_state_out(gammagamma_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_out(gammagamma_fit_state) IS
'output function of gammagamma_fit_state: entries sorted by frequency and monetary, floats in shortest exact form';

CREATE FUNCTION gammagamma_fit_state_recv(internal)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_recv(internal) IS
'binary input function of gammagamma_fit_state';

CREATE FUNCTION gammagamma_fit_state_send(gammagamma_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_send(gammagamma_fit_state) IS
'binary output function of gammagamma_fit_state: int32 version, int64 count, then per entry int32 frequency, float8 monetary, int64 customers';

CREATE TYPE gammagamma_fit_state (
    INPUT = gammagamma_fit_state_in,
    OUTPUT = gammagamma_fit_state_out,
    RECEIVE = gammagamma_fit_state_recv,
    SEND = gammagamma_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE gammagamma_fit_state IS
'partial state of gammagamma_fit (from gammagamma_fit_partial, for gammagamma_fit_merge): distinct (frequency, monetary) with customer counts';

CREATE FUNCTION gammagamma_fit_trans(internal, int, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'gammagamma_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_trans(internal, int, numeric) IS
'transition function of gammagamma_fit and gammagamma_fit_partial; skips rows with a NULL argument, frequency 0 or monetary <= 0';

CREATE FUNCTION gammagamma_fit_final(internal)
RETURNS gammagamma_model
AS 'MODULE_PATHNAME', 'gammagamma_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_final(internal) IS
'final function of gammagamma_fit and gammagamma_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE FUNCTION gammagamma_fit_partial_final(internal)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_partial_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_partial_final(internal) IS
'final function of gammagamma_fit_partial (bgnbd_fit_partial''s C function: the same state layout); NULL without customers';

CREATE FUNCTION gammagamma_fit_merge_trans(internal, gammagamma_fit_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_merge_transfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_merge_trans(internal, gammagamma_fit_state) IS
'transition function of gammagamma_fit_merge (bgnbd_fit_merge''s C function); skips NULL states';

CREATE AGGREGATE gammagamma_fit(frequency int, monetary numeric) (
    SFUNC = gammagamma_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit(int, numeric) IS
'maximum-likelihood Gamma-Gamma spend fit (Fader & Hardie 2013) over btyd_summary frequency and monetary; only customers with frequency > 0 and monetary > 0 count; NULL without them; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE gammagamma_fit_partial(frequency int, monetary numeric) (
    SFUNC = gammagamma_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit_partial(int, numeric) IS
'the state of gammagamma_fit as a transferable gammagamma_fit_state value, to be merged by gammagamma_fit_merge; NULL without customers';

CREATE AGGREGATE gammagamma_fit_merge(state gammagamma_fit_state) (
    SFUNC = gammagamma_fit_merge_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit_merge(gammagamma_fit_state) IS
'gammagamma_fit over the customers of several gammagamma_fit_partial states; NULL states are skipped';

CREATE FUNCTION gammagamma_expected_spend(model gammagamma_model, frequency int, monetary numeric)
RETURNS float8
AS 'MODULE_PATHNAME', 'gammagamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_expected_spend(gammagamma_model, int, numeric) IS
'Gamma-Gamma expected mean spend per purchase of a customer with this frequency and monetary: (gamma + monetary*frequency) p / (p*frequency + q - 1); p gamma / (q - 1) for frequency 0; q <= 1 is an error';


-- btyd_holdout (src/btyd_holdout.c): the calibration/holdout split of
-- lifetimes' calibration_and_holdout_data, on btyd_summary's state.

CREATE TYPE btyd_holdout AS (
    frequency_cal int,
    recency_cal float8,
    t_cal float8,
    monetary_cal numeric,
    frequency_holdout int,
    monetary_holdout numeric,
    duration_holdout float8
);

COMMENT ON TYPE btyd_holdout IS
'result of btyd_holdout(): the btyd_summary as of calibration_end (frequency_cal, recency_cal, t_cal, monetary_cal), the purchase days in (calibration_end, observation_end] (frequency_holdout), the mean of their sums (monetary_holdout, 0 when none), and the holdout length in time units (duration_holdout)';

CREATE FUNCTION btyd_holdout_trans(internal, date, numeric, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_trans(internal, date, numeric, date, date) IS
'transition function of btyd_holdout (time_unit 1 day); NULL parameters are errors, rows with NULL ts or amount or after observation_end are skipped';

CREATE FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, interval) IS
'transition function of btyd_holdout; NULL parameters are errors, rows with NULL ts or amount or after observation_end are skipped';

CREATE FUNCTION btyd_holdout_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_combine(internal, internal) IS
'combine function of btyd_holdout; states with different parameters are an error';

CREATE FUNCTION btyd_holdout_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_holdout_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_serialize(internal) IS
'serialize function of btyd_holdout: the two btyd_summary states, calibration first';

CREATE FUNCTION btyd_holdout_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_deserialize(bytea, internal) IS
'deserialize function of btyd_holdout';

CREATE FUNCTION btyd_holdout_final(internal)
RETURNS btyd_holdout
AS 'MODULE_PATHNAME', 'btyd_holdout_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_final(internal) IS
'final function of btyd_holdout; NULL for a customer without a purchase up to calibration_end';

CREATE AGGREGATE btyd_holdout(ts date, amount numeric, calibration_end date, observation_end date) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout(date, numeric, date, date) IS
'calibration/holdout split as lifetimes calibration_and_holdout_data(freq=''D''): btyd_summary as of calibration_end, purchase days and mean day sum in (calibration_end, observation_end], holdout length; time_unit 1 day; NULL without a purchase up to calibration_end';

CREATE AGGREGATE btyd_holdout(ts date, amount numeric, calibration_end date, observation_end date, time_unit interval) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout(date, numeric, date, date, interval) IS
'calibration/holdout split as lifetimes calibration_and_holdout_data(freq=''D'', freq_multiplier = days of time_unit): btyd_summary as of calibration_end, purchase days and mean day sum in (calibration_end, observation_end], holdout length in time units; NULL without a purchase up to calibration_end';

-- customer_value (src/customer_value.c)

CREATE FUNCTION customer_value(bg bgnbd_model, gg gammagamma_model, frequency int, recency float8, t float8, monetary numeric, periods int, period_length float8, discount_rate float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'customer_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION customer_value(bgnbd_model, gammagamma_model, int, float8, float8, numeric, int, float8, float8) IS
'discounted expected revenue of a customer over the next periods periods of period_length time units (the unit of the summaries: a month is 30/7 weeks): sum over i of gammagamma_expected_spend x (bgnbd_expected(i L) - bgnbd_expected((i-1) L)) / (1 + discount_rate)^i; periods 1-1200, period_length > 0, discount_rate >= 0 per period';


-- paretonbd (src/paretonbd.c): the Pareto/NBD model (Schmittlein, Morrison
-- & Colombo 1987).  Same inputs as bgnbd_fit, so the same state and support
-- functions: paretonbd_fit_partial returns a bgnbd_fit_state, and either
-- fit's partial states feed either merge.

CREATE TYPE paretonbd_model AS (
    r float8,
    alpha float8,
    s float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE paretonbd_model IS
'a fitted Pareto/NBD model: purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta), with the maximised log-likelihood, the number of customers and whether the fit converged';

CREATE FUNCTION paretonbd_fit_final(internal)
RETURNS paretonbd_model
AS 'MODULE_PATHNAME', 'paretonbd_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_fit_final(internal) IS
'final function of paretonbd_fit and paretonbd_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE AGGREGATE paretonbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = paretonbd_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit(int, float8, float8) IS
'maximum-likelihood Pareto/NBD fit (Schmittlein, Morrison & Colombo 1987) over customer summaries (frequency = repeat purchases, recency, t, as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE paretonbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit_partial(int, float8, float8) IS
'the state of paretonbd_fit as a transferable bgnbd_fit_state value (the same customer summaries bgnbd_fit keeps), to be merged by paretonbd_fit_merge or bgnbd_fit_merge; NULL without customers';

CREATE AGGREGATE paretonbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = bgnbd_fit_merge_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = paretonbd_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit_merge(bgnbd_fit_state) IS
'paretonbd_fit over the customers of several bgnbd_fit_state values (from paretonbd_fit_partial or bgnbd_fit_partial); NULL states are skipped';

CREATE FUNCTION paretonbd_p_alive(model paretonbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_p_alive(paretonbd_model, int, float8, float8) IS
'Pareto/NBD probability that a customer with this summary is still active (Fader & Hardie 2005 note, eq. 18)';

CREATE FUNCTION paretonbd_expected(model paretonbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_expected(paretonbd_model, float8, int, float8, float8) IS
'Pareto/NBD expected purchases of a customer with this summary in the next horizon time units (Fader & Hardie 2005 note, eq. 22)';


-- ---------------------------------------------------------------------------
-- §12 Segment-change trigger and ramped quotas
-- ---------------------------------------------------------------------------

