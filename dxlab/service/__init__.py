"""The service layer: one module per resource family, one function per operation.

Importing `dxlab.service.operations` registers every implemented operation."""
