/* quota_ext--1.0--1.1.sql: 1.1 adds the BG/NBD model (SPEC §8) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.1'" to load this file. \quit

-- Same rules as the 1.0 script: C, IMMUTABLE, PARALLEL SAFE, STRICT unless
-- the comment says how NULL is treated, no object refers to another by name
-- in a body.

------------------------------------------------------------------------------
-- bgnbd (src/bgnbd.c): the BG/NBD model of Fader, Hardie & Lee (2005):
-- bgnbd_fit with its _partial/_merge pair, P(alive), expected purchases
------------------------------------------------------------------------------

CREATE TYPE bgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE bgnbd_model IS
'a fitted BG/NBD model: purchase rates ~ Gamma(r, alpha), dropout probability ~ Beta(a, b), with the maximised log-likelihood, the number of customers and whether the fit converged';

-- The transferable state of bgnbd_fit: distinct (frequency, recency, t)
-- summaries with customer counts.
CREATE TYPE bgnbd_fit_state;

CREATE FUNCTION bgnbd_fit_state_in(cstring)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_in(cstring) IS
'input function of bgnbd_fit_state: "1:" then (frequency,recency,t,customers) entries separated by commas';

CREATE FUNCTION bgnbd_fit_state_out(bgnbd_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_out(bgnbd_fit_state) IS
'output function of bgnbd_fit_state: entries sorted, floats in shortest exact form';

CREATE FUNCTION bgnbd_fit_state_recv(internal)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_recv(internal) IS
'binary input function of bgnbd_fit_state';

CREATE FUNCTION bgnbd_fit_state_send(bgnbd_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_send(bgnbd_fit_state) IS
'binary output function of bgnbd_fit_state: int32 version, int64 count, then per entry int32 frequency, float8 recency, float8 t, int64 customers';

CREATE TYPE bgnbd_fit_state (
    INPUT = bgnbd_fit_state_in,
    OUTPUT = bgnbd_fit_state_out,
    RECEIVE = bgnbd_fit_state_recv,
    SEND = bgnbd_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE bgnbd_fit_state IS
'partial state of bgnbd_fit (from bgnbd_fit_partial, for bgnbd_fit_merge): distinct customer summaries with counts';

-- aggregate support functions
CREATE FUNCTION bgnbd_fit_transfn(internal, int, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_transfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_transfn(internal, int, float8, float8) IS
'transition function of bgnbd_fit and bgnbd_fit_partial; skips rows with a NULL argument';

CREATE FUNCTION bgnbd_fit_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_combinefn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_combinefn(internal, internal) IS
'combine function of bgnbd_fit, bgnbd_fit_partial and bgnbd_fit_merge; a NULL state is empty';

CREATE FUNCTION bgnbd_fit_serialfn(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_fit_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_serialfn(internal) IS
'serialize function of the bgnbd_fit aggregates';

CREATE FUNCTION bgnbd_fit_deserialfn(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_deserialfn(bytea, internal) IS
'deserialize function of the bgnbd_fit aggregates';

CREATE FUNCTION bgnbd_fit_finalfn(internal)
RETURNS bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_fit_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_finalfn(internal) IS
'final function of bgnbd_fit and bgnbd_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE FUNCTION bgnbd_fit_partial_finalfn(internal)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_partial_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_partial_finalfn(internal) IS
'final function of bgnbd_fit_partial: the state as a bgnbd_fit_state value; NULL without customers';

CREATE FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_merge_transfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state) IS
'transition function of bgnbd_fit_merge; skips NULL states';

-- SSPACE: the initial state holds 1024 distinct summaries of 32 bytes.
CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8) IS
'maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005) over customer summaries (frequency = repeat purchases, recency, t, as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE bgnbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_partial(int, float8, float8) IS
'the state of bgnbd_fit as a transferable bgnbd_fit_state value, to be merged by bgnbd_fit_merge (e.g. one per shard); NULL without customers';

CREATE AGGREGATE bgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = bgnbd_fit_merge_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_merge(bgnbd_fit_state) IS
'bgnbd_fit over the customers of several bgnbd_fit_partial states; NULL states are skipped; NULL without customers';

-- using a model
CREATE FUNCTION bgnbd_p_alive(model bgnbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_p_alive(bgnbd_model, int, float8, float8) IS
'BG/NBD probability that a customer with this summary is still active: 1 / (1 + [frequency > 0] a/(b+frequency-1) ((alpha+t)/(alpha+recency))^(r+frequency)); 1 when frequency = 0';

CREATE FUNCTION bgnbd_expected(model bgnbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_expected(bgnbd_model, float8, int, float8, float8) IS
'BG/NBD expected purchases of a customer with this summary in the next horizon time units (Fader, Hardie & Lee 2005, eq. 10)';

CREATE FUNCTION bgnbd_expected_new(model bgnbd_model, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_expected_new(bgnbd_model, float8) IS
'BG/NBD expected repeat purchases of a new customer in its first horizon time units, E[X(horizon)] (Fader, Hardie & Lee 2005, eq. 7)';
