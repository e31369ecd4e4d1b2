"""Resource groups: the workspace's node pools (instance groups), and which workloads may
run on each. The groups themselves come from the cluster (fixtures seed them); the API
lists them and lets a site administrator change what each may run."""
