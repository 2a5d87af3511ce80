"""The scans' pure logic: page codes and the sheet layout, kits as PDFs, reading scanned pages,
the ledger's hashes, the page store, and simulated scans. No Flask, no SQLAlchemy."""
