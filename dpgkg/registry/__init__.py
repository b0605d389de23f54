"""Reading and normalising the DPG registry records (nominees and screening files)."""
