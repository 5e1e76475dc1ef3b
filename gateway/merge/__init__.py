"""Listings over several sources: recordings in one order (`recordings`, paged by `pages`), people
once each (`people`), and the counts behind ``totalCount`` (`counts`)."""
