/*
 * bgnbd.h
 *		Internal interface between the BG/NBD files (SPEC §8; Fader, Hardie
 *		& Lee 2005, "Counting Your Customers the Easy Way", Marketing Science
 *		24(2):275-284):
 *
 *		bgnbd.c             the SQL functions: the model's scores and the
 *		                    bgnbd_fit aggregate's support functions
 *		bgnbd_likelihood.c  expectations, P(alive), the
 *		                    log-likelihood and the fit (via optimize.h)
 *
 * The fit's state and what BG/NBD offers the other models are in
 * customer_fit_state.h.
 */
#ifndef QX_BGNBD_H
#define QX_BGNBD_H

#include "postgres.h"

#include "customer_fit_state.h"

/* The outcome of a fit. */
typedef struct BgFit
{
	QxBgParams	p;
	double		ll;
	int64		customers;
	bool		converged;
	int			iterations;
	int64		evals;
} BgFit;

/* bgnbd_likelihood.c */
extern void bg_fit(QxFitAcc *acc, BgFit *out);

#endif							/* QX_BGNBD_H */
