"""Model definitions of the exhubert package."""
