/*
 * special_functions.c
 *		The numerical pieces the customer models share (SPEC §8, §11, §18):
 *		digamma, ln G(x+n) - ln G(x), the regularized incomplete Beta
 *		function, Gauss-Legendre rules, and the quadrature of a log-concave
 *		integrand.  Plain C on doubles: no fmgr, no model.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "special_functions.h"

/* ---------------------------------------------------------------------
 * Digamma, ln G ratios
 * ---------------------------------------------------------------------
 */

/* Digamma's recurrence runs up to here, then the asymptotic series. */
#define QX_DIGAMMA_ASYMPTOTIC 10.0

/* Digamma for x > 0 (Abramowitz & Stegun 6.3.5 and 6.3.18). */
double
qx_digamma(double x)
{
	double		acc = 0.0,
				x2;

	while (x < QX_DIGAMMA_ASYMPTOTIC)
	{
		acc -= 1.0 / x;
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	return acc + log(x) - 0.5 / x -
		x2 * (1.0 / 12 - x2 * (1.0 / 120 - x2 * (1.0 / 252 - x2 * (1.0 / 240 - x2 * (1.0 / 132)))));
}

/*
 * ln G(x+n) - ln G(x) for n >= 0: a sum of logarithms for small n, n ln x
 * and its first correction when x dwarfs n (where the two lgammas would
 * cancel to rounding noise), else the difference of lgammas.
 */
double
qx_lgamma_ratio(double x, double n)
{
	double		v = 0;

	if (n <= 0)
		return 0;
	if (n <= 32)
	{
		for (int i = 0; i < (int) n; i++)
			v += log(x + i);
		return v;
	}
	if (x > 1e8 * n)
		return n * log(x) + n * (n - 1) / (2 * x);
	return lgamma(x + n) - lgamma(x);
}

/* ---------------------------------------------------------------------
 * Gauss-Legendre nodes on [0, 1]
 * ---------------------------------------------------------------------
 */

/* Nodes and weights on [0, 1] by Newton's method on P_n. */
void
qx_gauss_legendre(int n, double *xs, double *ws)
{
	for (int i = 0; i < (n + 1) / 2; i++)
	{
		double		z = cos(M_PI * (i + 0.75) / (n + 0.5)),
					dp = 0;

		for (int it = 0; it < 100; it++)
		{
			double		p0 = 1,
						p1 = 0,
						z1;

			for (int j = 0; j < n; j++)
			{
				double		p2 = p1;

				p1 = p0;
				p0 = ((2.0 * j + 1) * z * p1 - j * p2) / (j + 1);
			}
			dp = n * (z * p0 - p1) / (z * z - 1);
			z1 = z;
			z = z1 - p0 / dp;
			if (fabs(z - z1) < 1e-16)
				break;
		}
		xs[i] = (1 - z) / 2;
		xs[n - 1 - i] = (1 + z) / 2;
		ws[i] = ws[n - 1 - i] = 1.0 / ((1 - z * z) * dp * dp);
	}
}

/* ---------------------------------------------------------------------
 * The regularized incomplete Beta function
 * ---------------------------------------------------------------------
 */

#define IB_MAX_ITER 100000
#define IB_EPS 1e-16
#define IB_TINY 1e-300

/* Continued fraction of I_x(a, b) (modified Lentz); false when it did not converge. */
static bool
ib_cf(double a, double b, double x, double *out)
{
	double		qab = a + b,
				qap = a + 1,
				qam = a - 1,
				c = 1,
				d = 1 - qab * x / qap,
				h;

	if (fabs(d) < IB_TINY)
		d = IB_TINY;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= IB_MAX_ITER; m++)
	{
		int			m2 = 2 * m;
		double		aa = m * (b - m) * x / ((qam + m2) * (a + m2)),
					del;

		d = 1 + aa * d;
		if (fabs(d) < IB_TINY)
			d = IB_TINY;
		c = 1 + aa / c;
		if (fabs(c) < IB_TINY)
			c = IB_TINY;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < IB_TINY)
			d = IB_TINY;
		c = 1 + aa / c;
		if (fabs(c) < IB_TINY)
			c = IB_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < IB_EPS)
		{
			*out = h;
			return isfinite(h);
		}
		if ((m & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return false;
}

/*
 * ln I_x(a, b) with x = e^lx, 1 - x = e^l1x (both given, so neither is
 * rounded); false when the continued fraction does not converge.
 */
bool
qx_log_inc_beta(double a, double b, double lx, double l1x, double *out)
{
	double		x = exp(lx),
				front = a * lx + b * l1x - (lgamma(a) + lgamma(b) - lgamma(a + b)),
				cf;

	if (x < (a + 1) / (a + b + 2))
	{
		if (!ib_cf(a, b, x, &cf))
			return false;
		*out = front + log(cf) - log(a);
	}
	else
	{
		if (!ib_cf(b, a, exp(l1x), &cf))
			return false;
		*out = log1p(-Min(1.0, exp(front + log(cf) - log(b))));
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Quadrature of a log-concave integrand
 *
 * Find the mode of h on [lo, hi] (h' falls, so bisection/Newton), then on
 * each side the point where h has fallen by LC_DROP nats (or the end of the
 * range), and integrate each side with LC_PANELS Gauss-Legendre panels of
 * LC_NODES nodes.  On each side h falls by at most about 2 LC_DROP, at most
 * about LC_DROP / 2 per panel when h is linear there (a steeper fall is
 * further out, where the integrand no longer counts), and a 16-node rule
 * integrates e^(-10 u) over [0, 1] to about 1e-13; near the mode, h is
 * close to a parabola, and each panel spans at most a few of its standard
 * deviations.
 * ---------------------------------------------------------------------
 */
#define LC_NODES 16
#define LC_PANELS 5
#define LC_DROP 40.0
#define LC_MAX_STEPS 2200

static double lc_x[LC_NODES],
			lc_w[LC_NODES];
static bool lc_ready = false;

/* Gauss-Legendre nodes and weights on [0, 1] (paretonbd.c's rule), once */
static void
lc_init(void)
{
	if (lc_ready)
		return;
	qx_gauss_legendre(LC_NODES, lc_x, lc_w);
	lc_ready = true;
}

/*
 * One term -A ln(1 + e^z) of h, z = t - ln a, with its slope and
 * curvature; ez = e^z when the caller has it (y / a), else < 0.
 */
static inline void
lc_term(double A, double la, double t, double ez, double *h, double *d1, double *d2)
{
	double		z = t - la,
				e,
				s,
				u;

	if (A == 0)
		return;
	if (ez >= 1e-300 && ez <= 1e300)
	{
		*h -= A * log1p(ez);
		s = ez / (1 + ez);
		u = 1 / (1 + ez);		/* 1 - s without cancellation */
	}
	else if (z > 0)
	{
		e = exp(-z);
		*h -= A * (z + log1p(e));
		s = 1 / (1 + e);
		u = e / (1 + e);
	}
	else
	{
		e = exp(z);
		*h -= A * log1p(e);
		s = e / (1 + e);
		u = 1 / (1 + e);
	}
	*d1 -= A * s;
	*d2 -= A * s * u;
}

/* h(t) and, when wanted, h'(t) and h''(t); lal, lbe = ln al, ln be. */
static double
lc_h(const QxLcFun *f, double t, double *d1, double *d2)
{
	double		h = f->k * t,
				g1 = f->k,
				g2 = 0,
				y = (t > -700 && t < 700) ? exp(t) : -1;

	/* e^(t - ln a) as y / a, one exp for both terms, when in range */
	lc_term(f->A, f->lal, t, y >= 0 ? y / f->al : -1, &h, &g1, &g2);
	lc_term(f->B, f->lbe, t, y >= 0 ? y / f->be : -1, &h, &g1, &g2);
	if (f->C > 0)
	{
		double		yc = t < 700 ? exp(t) : get_float8_infinity();

		h -= f->C * yc;
		g1 -= f->C * yc;
		g2 -= f->C * yc;
	}
	if (d1)
		*d1 = g1;
	if (d2)
		*d2 = g2;
	return h;
}

static inline double
lc_slope(const QxLcFun *f, double t)
{
	double		d1;

	(void) lc_h(f, t, &d1, NULL);
	return d1;
}

/* The maximum of h on [lo, hi]. */
static double
lc_mode(const QxLcFun *f, double lo, double hi)
{
	double		a,
				b,
				t,
				step;
	int			i;

	if (isfinite(hi) && lc_slope(f, hi) >= 0)
		return hi;
	if (isfinite(lo) && lc_slope(f, lo) <= 0)
		return lo;
	/* where the slopes change: the smaller scale, cut to the range */
	t = Min(f->lal, f->lbe);
	if (f->C > 0)
		t = Min(t, -log(f->C));
	if (!isfinite(t))
		t = 0;
	t = Max(Min(t, hi), lo);
	/* a bracket a < root < b: h'(a) > 0 > h'(b) */
	if (lc_slope(f, t) > 0)
	{
		a = t;
		b = hi;
		for (i = 0, step = 1; i < LC_MAX_STEPS; i++, step *= 2)
		{
			double		c = t + step;

			if (c >= hi)
				break;
			if (lc_slope(f, c) <= 0)
			{
				b = c;
				break;
			}
			a = c;
		}
	}
	else
	{
		b = t;
		a = lo;
		for (i = 0, step = 1; i < LC_MAX_STEPS; i++, step *= 2)
		{
			double		c = t - step;

			if (c <= lo)
				break;
			if (lc_slope(f, c) >= 0)
			{
				a = c;
				break;
			}
			b = c;
		}
	}
	if (!isfinite(a) || !isfinite(b))
		return isfinite(a) ? a : b;
	/* Newton within the bracket, bisection when it leaves it */
	t = (a + b) / 2;
	for (i = 0; i < 200 && b - a > 1e-13 * Max(1.0, fabs(t)); i++)
	{
		double		d1,
					d2,
					tn;

		(void) lc_h(f, t, &d1, &d2);
		if (d1 > 0)
			a = t;
		else if (d1 < 0)
			b = t;
		else
			return t;
		tn = (d2 < 0) ? t - d1 / d2 : (a + b) / 2;
		if (!(tn > a && tn < b))
			tn = (a + b) / 2;
		if (fabs(tn - t) < 1e-14 * Max(1.0, fabs(t)))
			return tn;
		t = tn;
	}
	return t;
}

/* The end of one side: where h has fallen by LC_DROP from hm, or the bound. */
static double
lc_side_end(const QxLcFun *f, double m, double hm, double w, double dir, double bound)
{
	double		dlo = 0,
				d = w;
	int			i;

	for (i = 0; i < LC_MAX_STEPS; i++, d *= 2)
	{
		double		t = m + dir * d;

		if (dir > 0 ? t >= bound : t <= bound)
			return bound;
		if (hm - lc_h(f, t, NULL, NULL) >= LC_DROP)
			break;
		dlo = d;
	}
	for (i = 0; i < 8; i++)
	{
		double		mid = (dlo + d) / 2;

		if (hm - lc_h(f, m + dir * mid, NULL, NULL) >= LC_DROP)
			d = mid;
		else
			dlo = mid;
	}
	return m + dir * d;
}

/* sum of e^(h - hm) over [from, to] by LC_PANELS panels */
static double
lc_panels(const QxLcFun *f, double hm, double from, double to)
{
	double		len = (to - from) / LC_PANELS,
				sum = 0;

	if (!(len > 0))
		return 0;
	for (int q = 0; q < LC_PANELS; q++)
	{
		double		x0 = from + q * len;

		for (int j = 0; j < LC_NODES; j++)
			sum += lc_w[j] * exp(lc_h(f, x0 + len * lc_x[j], NULL, NULL) - hm);
	}
	return sum * len;
}

double
qx_lc_log_integral(const QxLcFun *fun, double lo, double hi)
{
	QxLcFun		fc = *fun;
	const QxLcFun *f = &fc;
	double		m,
				hm,
				d2,
				w,
				sum;

	if (!(hi > lo))
		return -get_float8_infinity();
	fc.lal = log(fc.al);
	fc.lbe = log(fc.be);
	lc_init();
	m = lc_mode(f, lo, hi);
	hm = lc_h(f, m, NULL, &d2);
	w = (d2 < 0 && isfinite(d2)) ? 1 / sqrt(-d2) : 1;
	if (!(w > 0 && isfinite(w)))
		w = 1;
	sum = 0;
	if (m > lo)
		sum += lc_panels(f, hm, lc_side_end(f, m, hm, w, -1, lo), m);
	if (m < hi)
		sum += lc_panels(f, hm, m, lc_side_end(f, m, hm, w, 1, hi));
	return hm + log(sum);
}

