/*
 * forecast_engine.h
 *		The distribution engine of pipeline_forecast (forecast_engine.c):
 *		deals in; the distribution of the amount that closes out, with its
 *		stddev, quantiles and the probability of reaching an amount.  Plain
 *		C (needs postgres.h for int128 and palloc; no fmgr, no numeric):
 *		amounts are exact int128 counts of units of 10^-scale, and the
 *		caller (pipeline_forecast.c) converts targets and results.
 */
#ifndef QX_FORECAST_ENGINE_H
#define QX_FORECAST_ENGINE_H

/* One open deal: amount * 10^scale (> 0) and its probability in (0, 1]. */
typedef struct FcDeal
{
	int128		units;
	double		p;
} FcDeal;

/* The distribution of one group's closed amount (opaque). */
typedef struct FcForecast FcForecast;

/*
 * A quantile.  exact: units of 10^-scale.  On the grid (amounts too many
 * and too fine for an exact method): grid, in units of 10^-(scale - e)
 * with e = fc_forecast_grid_exponent(), plus units, the exact amount of the
 * deals with probability 1.
 */
typedef struct FcQuantile
{
	bool		exact;
	int128		units;
	double		grid;
} FcQuantile;

/*
 * The distribution of sum(units_i * B_i), B_i ~ Bernoulli(p_i), over n
 * deals at scale.  The deals' order does not matter: they are sorted into a
 * canonical one first, so any order gives the same result to the bit.
 * Allocated, with all its arrays, in CurrentMemoryContext: give it a
 * context of its own and delete that afterwards.
 */
extern FcForecast *fc_forecast(const FcDeal *deals, int n, int scale);
/* the standard deviation of the closed amount, in units of 1 (not 10^-scale) */
extern double fc_forecast_stddev(const FcForecast *f);
/* on a grid: P(S >= t) by fc_forecast_p_reach_grid, else fc_forecast_p_reach */
extern bool fc_forecast_on_grid(const FcForecast *f);
/* e: the grid's amounts are in units of 10^-(scale - e) */
extern int	fc_forecast_grid_exponent(const FcForecast *f);
/* the most that can close (every deal), in units */
extern int128 fc_forecast_max_units(const FcForecast *f);
/* the smallest amount whose CDF reaches level (within the method's slack) */
extern void fc_forecast_quantile(const FcForecast *f, double level, FcQuantile *q);
/* P(S >= units), 0 < units <= fc_forecast_max_units(); exact methods only */
extern double fc_forecast_p_reach(const FcForecast *f, int128 units);
/* P(S >= t) on the grid, t in units of 10^-(scale - e) */
extern double fc_forecast_p_reach_grid(const FcForecast *f, double t);

#endif							/* QX_FORECAST_ENGINE_H */
