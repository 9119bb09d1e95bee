/*
 * gammagamma.h
 *		The Gamma-Gamma spend model (SPEC §11; Fader & Hardie 2013, "The
 *		Gamma-Gamma Model of Monetary Value"): its parameters, as
 *		customer_value reads them.
 */
#ifndef QX_GAMMAGAMMA_H
#define QX_GAMMAGAMMA_H

#include "postgres.h"

#include "access/htup.h"

typedef struct GgParams
{
	double		p,
				q,
				gamma;
} GgParams;

/* Read and check a gammagamma_model argument (q > 1 for the expectation). */
extern void gg_get_model(HeapTupleHeader th, GgParams *g);
/* Check frequency and monetary; monetary as a float8. */
extern double gg_check_customer(int32 x, Datum monetary);
/* E(M | x, m): (gamma + m x) p / (p x + q - 1); an error when it overflows. */
extern double gg_expected_spend(const GgParams *g, int32 x, double m);

#endif							/* QX_GAMMAGAMMA_H */
