/*
 * optimize.c
 *		BFGS and Nelder-Mead for the model fits; see optimize.h for the
 *		interface.  References: Nocedal & Wright, "Numerical Optimization"
 *		(2nd ed., 2006), ch. 3 (backtracking line search, Armijo condition)
 *		and ch. 6 (BFGS, eq. 6.17 update, eq. 6.20 initial scaling);
 *		Nelder & Mead (1965), "A simplex method for function minimization",
 *		Computer Journal 7(4), with the usual coefficients.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "optimize.h"

/* Armijo sufficient-decrease constant (Nocedal & Wright 3.4, c1). */
#define OPT_ARMIJO_C1		1e-4
/* Backtracking halves the step at most this often before giving up. */
#define OPT_MAX_HALVINGS	60
/* The BFGS update is skipped unless the curvature s'y exceeds this. */
#define OPT_MIN_CURVATURE	1e-18
/* f counts as not moving when it falls by no more than this many ulps... */
#define OPT_STALL_ULPS		4
/* ... this many iterations in a row. */
#define OPT_STALL_ITERS		3
/* Nelder-Mead coefficients: reflection, expansion, contraction, shrink. */
#define NM_REFLECT			1.0
#define NM_EXPAND			2.0
#define NM_CONTRACT			0.5
#define NM_SHRINK			0.5

void
qx_opt_defaults(QxOptOptions *opts, int n)
{
	Assert(n >= 1 && n <= QX_OPT_MAX_PARAMS);
	opts->n = n;
	opts->bound = 30.0;			/* e^+-30 for log-parameters */
	opts->gtol = 1e-8;
	opts->gtol_floor = 1e-5;
	opts->max_step = 5.0;		/* a factor e^5 for a log-parameter */
	opts->max_iter = 500;
	opts->nm_max_iter = 5000;
	opts->nm_ftol = 1e-13;
	opts->nm_step = 0.5;
}

static inline double
opt_clamp(const QxOptOptions *o, double v)
{
	return v < -o->bound ? -o->bound : (v > o->bound ? o->bound : v);
}

double
qx_opt_norm_inf(const double *v, int n)
{
	double		m = 0;
	int			i;

	for (i = 0; i < n; i++)
		m = Max(m, fabs(v[i]));
	return m;
}

double
qx_opt_eval(QxObjective fn, void *ctx, int n, const double *theta, double *grad)
{
	double		f = fn(ctx, theta, grad);
	int			i;

	if (!isfinite(f))
		return get_float8_infinity();
	if (grad)
		for (i = 0; i < n; i++)
			if (!isfinite(grad[i]))
				return get_float8_infinity();
	return f;
}

/* The BFGS state between iterations. */
typedef struct Bfgs
{
	const QxOptOptions *o;
	QxObjective fn;
	void	   *ctx;
	double		H[QX_OPT_MAX_PARAMS][QX_OPT_MAX_PARAMS];	/* inverse Hessian */
	bool		fresh;			/* H is the identity (or its first scaling) */
} Bfgs;

static void
bfgs_reset(Bfgs *b)
{
	int			i,
				j;

	for (i = 0; i < b->o->n; i++)
		for (j = 0; j < b->o->n; j++)
			b->H[i][j] = (i == j);
	b->fresh = true;
}

/*
 * dir = -H g, or steepest descent (and H reset) when that is not downhill.
 * Returns the slope g'dir; *dmax gets max |dir[i]|.
 */
static double
bfgs_direction(Bfgs *b, const double *g, double *dir, double *dmax)
{
	int			n = b->o->n,
				i,
				j;
	double		slope = 0;

	*dmax = 0;
	for (i = 0; i < n; i++)
	{
		dir[i] = 0;
		for (j = 0; j < n; j++)
			dir[i] -= b->H[i][j] * g[j];
		slope += dir[i] * g[i];
		*dmax = Max(*dmax, fabs(dir[i]));
	}
	if (slope < 0)
		return slope;
	/* not a descent direction: restart from steepest descent */
	bfgs_reset(b);
	slope = 0;
	*dmax = 0;
	for (i = 0; i < n; i++)
	{
		dir[i] = -g[i];
		slope -= g[i] * g[i];
		*dmax = Max(*dmax, fabs(dir[i]));
	}
	return slope;
}

/*
 * Backtracking from a step that moves no coordinate by more than
 * max_step, halving until the Armijo condition holds.  On success tn, gn
 * and *fn hold the new point; false when every trial failed.
 */
static bool
bfgs_line_search(Bfgs *b, const double *theta, double f, const double *dir,
				 double slope, double dmax, double *tn, double *gn, double *fn)
{
	int			n = b->o->n,
				i,
				ls;
	double		step = 1;

	if (dmax > b->o->max_step)
		step = b->o->max_step / dmax;
	for (ls = 0; ls < OPT_MAX_HALVINGS; ls++)
	{
		for (i = 0; i < n; i++)
			tn[i] = opt_clamp(b->o, theta[i] + step * dir[i]);
		*fn = qx_opt_eval(b->fn, b->ctx, n, tn, gn);
		if (*fn <= f + OPT_ARMIJO_C1 * step * slope)
			return true;
		step *= 0.5;
	}
	return false;
}

/* The BFGS inverse-Hessian update (Nocedal & Wright eq. 6.17) for step s, y. */
static void
bfgs_update(Bfgs *b, const double *s, const double *y)
{
	int			n = b->o->n,
				i,
				j;
	double		sy = 0,
				yHy = 0,
				Hy[QX_OPT_MAX_PARAMS] = {0};

	for (i = 0; i < n; i++)
		sy += s[i] * y[i];
	if (!(sy > OPT_MIN_CURVATURE))
		return;
	if (b->fresh)
	{
		/* scale the first Hessian guess (Nocedal & Wright 6.20) */
		double		yy = 0;

		for (i = 0; i < n; i++)
			yy += y[i] * y[i];
		for (i = 0; i < n; i++)
			b->H[i][i] = sy / yy;
	}
	for (i = 0; i < n; i++)
	{
		Hy[i] = 0;
		for (j = 0; j < n; j++)
			Hy[i] += b->H[i][j] * y[j];
		yHy += y[i] * Hy[i];
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			b->H[i][j] += ((sy + yHy) * s[i] * s[j]) / (sy * sy) -
				(Hy[i] * s[j] + s[i] * Hy[j]) / sy;
	b->fresh = false;
}

int
qx_bfgs(QxObjective fn, void *ctx, const QxOptOptions *o,
		double *theta, double *fbest, bool *conv)
{
	Bfgs		b;
	int			n = o->n,
				it,
				i,
				stalls = 0;
	double		g[QX_OPT_MAX_PARAMS] = {0},
				gn[QX_OPT_MAX_PARAMS] = {0},
				tn[QX_OPT_MAX_PARAMS] = {0},
				dir[QX_OPT_MAX_PARAMS] = {0},
				s[QX_OPT_MAX_PARAMS] = {0},
				y[QX_OPT_MAX_PARAMS] = {0};
	double		f;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.fn = fn;
	b.ctx = ctx;
	*conv = false;
	f = qx_opt_eval(fn, ctx, n, theta, g);
	*fbest = f;
	if (!isfinite(f))
		return 0;
	bfgs_reset(&b);

	for (it = 0; it < o->max_iter; it++)
	{
		double		slope,
					dmax,
					fn_new = 0;

		CHECK_FOR_INTERRUPTS();
		if (qx_opt_norm_inf(g, n) <= o->gtol * Max(1.0, fabs(f)))
		{
			*conv = true;
			break;
		}
		slope = bfgs_direction(&b, g, dir, &dmax);
		if (!bfgs_line_search(&b, theta, f, dir, slope, dmax, tn, gn, &fn_new))
		{
			if (!b.fresh)
			{
				bfgs_reset(&b);
				continue;
			}
			/* no progress even downhill: at the limit of float precision */
			*conv = qx_opt_norm_inf(g, n) <= o->gtol_floor;
			break;
		}
		for (i = 0; i < n; i++)
		{
			s[i] = tn[i] - theta[i];
			y[i] = gn[i] - g[i];
		}
		bfgs_update(&b, s, y);
		memcpy(theta, tn, sizeof(double) * n);
		memcpy(g, gn, sizeof(double) * n);
		/* at the floor of rounding: f no longer moves, g is noise */
		if (f - fn_new <= OPT_STALL_ULPS * DBL_EPSILON * fabs(f))
		{
			if (++stalls >= OPT_STALL_ITERS)
			{
				f = fn_new;
				*conv = qx_opt_norm_inf(g, n) <= o->gtol_floor;
				break;
			}
		}
		else
			stalls = 0;
		f = fn_new;
	}
	*fbest = f;
	return it;
}

/* The simplex: n + 1 vertices and their values. */
typedef struct Simplex
{
	double		p[QX_OPT_MAX_PARAMS + 1][QX_OPT_MAX_PARAMS];
	double		fv[QX_OPT_MAX_PARAMS + 1];
} Simplex;

/* Indices of the highest, second highest and lowest vertex. */
static void
nm_order(const Simplex *sx, int n, int *hi, int *nh, int *lo)
{
	int			i;

	*hi = *lo = 0;
	for (i = 1; i <= n; i++)
	{
		if (sx->fv[i] > sx->fv[*hi])
			*hi = i;
		if (sx->fv[i] < sx->fv[*lo])
			*lo = i;
	}
	*nh = (*hi == 0) ? 1 : 0;
	for (i = 0; i <= n; i++)
		if (i != *hi && sx->fv[i] > sx->fv[*nh])
			*nh = i;
}

static void
nm_replace(Simplex *sx, int n, int k, const double *x, double f)
{
	memcpy(sx->p[k], x, sizeof(double) * n);
	sx->fv[k] = f;
}

/*
 * Contract the highest vertex towards the centroid c (outside when the
 * reflection xr beat it, inside otherwise), or shrink the simplex towards
 * the lowest vertex when that does not help.
 */
static void
nm_contract(QxObjective fn, void *ctx, const QxOptOptions *o, Simplex *sx,
			const double *c, const double *xr, double fr, int hi, int lo)
{
	int			n = o->n,
				i,
				j;
	double		xc[QX_OPT_MAX_PARAMS] = {0},
				fc;

	for (j = 0; j < n; j++)
		xc[j] = (fr < sx->fv[hi]) ? c[j] + NM_CONTRACT * (xr[j] - c[j])
			: c[j] + NM_CONTRACT * (sx->p[hi][j] - c[j]);
	fc = qx_opt_eval(fn, ctx, n, xc, NULL);
	if (fc < Min(fr, sx->fv[hi]))
	{
		nm_replace(sx, n, hi, xc, fc);
		return;
	}
	for (i = 0; i <= n; i++)
	{
		if (i == lo)
			continue;
		for (j = 0; j < n; j++)
			sx->p[i][j] = sx->p[lo][j] + NM_SHRINK * (sx->p[i][j] - sx->p[lo][j]);
		sx->fv[i] = qx_opt_eval(fn, ctx, n, sx->p[i], NULL);
	}
}

/* One Nelder-Mead step; false when the simplex's values agree (done). */
static bool
nm_step(QxObjective fn, void *ctx, const QxOptOptions *o, Simplex *sx)
{
	int			n = o->n,
				hi,
				nh,
				lo,
				i,
				j;
	double		c[QX_OPT_MAX_PARAMS] = {0},
				xr[QX_OPT_MAX_PARAMS] = {0},
				xe[QX_OPT_MAX_PARAMS] = {0},
				fr,
				fe;

	nm_order(sx, n, &hi, &nh, &lo);
	if (isfinite(sx->fv[hi]) &&
		sx->fv[hi] - sx->fv[lo] <= o->nm_ftol * (fabs(sx->fv[lo]) + 1e-300))
		return false;
	for (j = 0; j < n; j++)
	{
		c[j] = 0;
		for (i = 0; i <= n; i++)
			if (i != hi)
				c[j] += sx->p[i][j];
		c[j] /= n;
		xr[j] = opt_clamp(o, c[j] + NM_REFLECT * (c[j] - sx->p[hi][j]));
	}
	fr = qx_opt_eval(fn, ctx, n, xr, NULL);
	if (fr < sx->fv[lo])
	{
		for (j = 0; j < n; j++)
			xe[j] = opt_clamp(o, c[j] + NM_EXPAND * (c[j] - sx->p[hi][j]));
		fe = qx_opt_eval(fn, ctx, n, xe, NULL);
		if (fe < fr)
			nm_replace(sx, n, hi, xe, fe);
		else
			nm_replace(sx, n, hi, xr, fr);
	}
	else if (fr < sx->fv[nh])
		nm_replace(sx, n, hi, xr, fr);
	else
		nm_contract(fn, ctx, o, sx, c, xr, fr, hi, lo);
	return true;
}

int
qx_nelder_mead(QxObjective fn, void *ctx, const QxOptOptions *o,
			   double *theta, double *fbest)
{
	Simplex		sx;
	int			n = o->n,
				it,
				i,
				j;

	memset(&sx, 0, sizeof(sx));
	for (i = 0; i <= n; i++)
	{
		memcpy(sx.p[i], theta, sizeof(double) * n);
		if (i > 0)
			sx.p[i][i - 1] = opt_clamp(o, sx.p[i][i - 1] + o->nm_step);
		sx.fv[i] = qx_opt_eval(fn, ctx, n, sx.p[i], NULL);
	}
	for (it = 0; it < o->nm_max_iter; it++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!nm_step(fn, ctx, o, &sx))
			break;
	}
	j = 0;
	for (i = 1; i <= n; i++)
		if (sx.fv[i] < sx.fv[j])
			j = i;
	memcpy(theta, sx.p[j], sizeof(double) * n);
	*fbest = sx.fv[j];
	return it;
}

void
qx_minimize(QxObjective fn, void *ctx, const QxOptOptions *o,
			double *theta, QxOptResult *res)
{
	int			n = o->n;
	double		f,
				th2[QX_OPT_MAX_PARAMS] = {0},
				f2,
				g[QX_OPT_MAX_PARAMS] = {0};
	bool		conv;
	int			it;

	it = qx_bfgs(fn, ctx, o, theta, &f, &conv);
	if (!conv)
	{
		memcpy(th2, theta, sizeof(double) * n);
		if (!isfinite(f))
			memset(th2, 0, sizeof(double) * n);
		it += qx_nelder_mead(fn, ctx, o, th2, &f2);
		if (f2 <= f || !isfinite(f))
		{
			memcpy(theta, th2, sizeof(double) * n);
			f = f2;
		}
		/* polish with BFGS from there and judge by the gradient */
		if (isfinite(f))
		{
			it += qx_bfgs(fn, ctx, o, theta, &f, &conv);
			if (!conv && isfinite(qx_opt_eval(fn, ctx, n, theta, g)) &&
				qx_opt_norm_inf(g, n) <= o->gtol_floor)
				conv = true;
		}
	}
	res->f = f;
	res->converged = conv;
	res->iterations = it;
}
