"""Assistance: tiers and their checks (核对), layers, the help catalogue, the household's chain, policies, filing."""
