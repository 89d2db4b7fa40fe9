"""Monte Carlo calibration of the statistical tests (``python -m wres.calibration``).

:mod:`wres.calibration.scenarios` simulates worlds shaped like the WRES data;
:mod:`wres.calibration.harness` runs every test on them and tabulates false-alarm rates
and power with Monte Carlo standard errors.
"""
