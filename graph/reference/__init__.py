"""The national reference landscape: organisations, geography and change events
read from the ODS and ONS files in data/reference/."""
