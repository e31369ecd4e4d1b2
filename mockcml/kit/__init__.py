"""Shared request/response machinery: wire decoding, pagination, filters, sorting, ids."""
