"""Recording sources: the contract (`base`), the local store, and one connector per vendor."""
