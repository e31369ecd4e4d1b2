"""Accelerator node labels: the GPU kinds of the workspace, each on a resource group, with
the limits an administrator sets (GPUs per workload, default per-user quota). A GPU
profile is a node label made for a GPU resource group: a number of GPUs with the CPU and
memory that go with them."""
