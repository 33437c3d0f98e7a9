"""Throttles that read their rates at request time.

DRF's own classes copy DEFAULT_THROTTLE_RATES when they are imported, so changing the
settings later (tests, override_settings) would not reach them. Rates come from
API_THROTTLE_ANON and API_THROTTLE_USER (archive/settings.py), counted per client address
for anonymous clients and per user otherwise, in the default cache: with several server
processes and a per-process cache, each process counts on its own.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RatesFromSettings, throttling.UserRateThrottle):
    pass
