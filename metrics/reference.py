"""The sources behind reference bands, accuracy floors and detectable changes (cited by the measures' specs).

Most running measures have *typical values* in the literature, not clinical
norms: a value outside the band is something to look at, not a fault.  Where
no paper gives a band, the band is marked as Stridescope's working band and
the note says so.
"""

from __future__ import annotations

ALTMAN_DAVIS_2012 = "Altman & Davis 2012, Gait Posture 35(2):298-300"
BRAMAH_2018 = "Bramah et al. 2018, Am J Sports Med 46(12):3023-3031"
DINGENEN_2018 = "Dingenen et al. 2018, Phys Ther Sport 33:40-47"
FOLLAND_2017 = "Folland et al. 2017, Med Sci Sports Exerc 49(7):1412-1423"
HEIDERSCHEIT_2011 = "Heiderscheit et al. 2011, Med Sci Sports Exerc 43(2):296-302"
MOORE_2016 = "Moore 2016, Sports Med 46(6):793-807"
NOVACHECK_1998 = "Novacheck 1998, Gait Posture 7(1):77-95"
SOUZA_2016 = "Souza 2016, Phys Med Rehabil Clin N Am 27(1):217-236"
TENG_POWERS_2014 = "Teng & Powers 2014, J Orthop Sports Phys Ther 44(10):785-792"
WILLE_2014 = "Wille et al. 2014, J Orthop Sports Phys Ther 44(10):825-830"
WILLSON_DAVIS_2008 = "Willson & Davis 2008, J Orthop Sports Phys Ther 38(10):606-615"

WINTER_2009 = "Winter 2009, Biomechanics and Motor Control of Human Movement, 4th ed., Wiley, fig. 4.1"
# The leg length every "% leg" measure divides by: thigh + shank, greater trochanter (hip) to lateral malleolus
# (ankle), as in Winter's segment table and the synthetic truth.  Spring-mass studies take the greater trochanter's
# height above the floor instead (Morin et al. 2005, J Appl Biomech 21(2):167-180; Hof 1996, Gait Posture
# 4(3):222-223): that adds the ankle's height, 0.039 of stature (Winter), so their "% leg" reads about 7 % lower.
LEG_LENGTH_SOURCE = WINTER_2009

DAMSTED_2015 = "Damsted et al. 2015, Int J Sports Phys Ther 10(2):147-154"

# Where the accuracy floors without a published figure come from.
# Measured floors: the largest error on the six synthetic samples (README validation table), which are also the
# clips the findings tests use, so those tests do not check these floors independently.
VALIDATION = "largest error on the synthetic samples (README validation table)"
WORKING = "Stridescope working value: the pose model places joint centres a few cm off"

STABLE_MEAN_STEPS = 7  # Dingenen 2018: the mean of at least 7 steps is stable.
STABLE_MEAN_SOURCE = DINGENEN_2018
