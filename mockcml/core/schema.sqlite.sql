-- fingerprint: 1b1243c686ddca6a22dbd80023b0dc72
CREATE TABLE IF NOT EXISTS accelerator_node_labels (
	id INTEGER NOT NULL, 
	label_key VARCHAR NOT NULL, 
	label_value VARCHAR NOT NULL, 
	availability BOOLEAN NOT NULL, 
	max_gpu_count INTEGER NOT NULL, 
	max_gpu_per_workload INTEGER NOT NULL, 
	default_quota INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	gpu_memory FLOAT NOT NULL, 
	profile_gpu_count INTEGER, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (resource_group_id, profile_gpu_count)
);
CREATE INDEX IF NOT EXISTS ix_accelerator_node_labels_label_key ON accelerator_node_labels (label_key);
CREATE INDEX IF NOT EXISTS ix_accelerator_node_labels_resource_group_id ON accelerator_node_labels (resource_group_id);
CREATE TABLE IF NOT EXISTS archived_workloads (
	uid VARCHAR NOT NULL, 
	archived_at FLOAT NOT NULL, 
	PRIMARY KEY (uid)
);
CREATE TABLE IF NOT EXISTS copilot_models (
	id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	provider VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	endpoint VARCHAR NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	"default" BOOLEAN NOT NULL, 
	provider_id VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (kind, provider, name)
);
CREATE INDEX IF NOT EXISTS ix_copilot_models_kind ON copilot_models (kind);
CREATE TABLE IF NOT EXISTS cpu_profiles (
	id INTEGER NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_cpu_profiles_resource_group_id ON cpu_profiles (resource_group_id);
CREATE TABLE IF NOT EXISTS default_quotas (
	id INTEGER NOT NULL, 
	owner_type VARCHAR NOT NULL, 
	requests_cpu VARCHAR NOT NULL, 
	requests_memory VARCHAR NOT NULL, 
	requests_gpu VARCHAR NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_default_quotas_owner_type ON default_quotas (owner_type);
CREATE TABLE IF NOT EXISTS docker_credentials (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	server VARCHAR NOT NULL, 
	username VARCHAR NOT NULL, 
	password VARCHAR NOT NULL, 
	is_default BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE IF NOT EXISTS ml_serving_apps (
	app_crn VARCHAR NOT NULL, 
	app_name VARCHAR NOT NULL, 
	environment_crn VARCHAR NOT NULL, 
	environment_name VARCHAR NOT NULL, 
	namespace VARCHAR NOT NULL, 
	owner_email VARCHAR NOT NULL, 
	ml_serving_version VARCHAR NOT NULL, 
	is_private_cluster BOOLEAN NOT NULL, 
	creation_date FLOAT NOT NULL, 
	cluster_domain VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	use_public_load_balancer BOOLEAN NOT NULL, 
	https_enabled BOOLEAN NOT NULL, 
	cloud_platform VARCHAR NOT NULL, 
	PRIMARY KEY (app_crn)
);
CREATE TABLE IF NOT EXISTS mock_faults (
	id INTEGER NOT NULL, 
	spec VARCHAR NOT NULL, 
	count INTEGER, 
	hits INTEGER NOT NULL, 
	seed INTEGER, 
	PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS mock_journal (
	id INTEGER NOT NULL, 
	time FLOAT NOT NULL, 
	method VARCHAR NOT NULL, 
	path VARCHAR NOT NULL, 
	"query" VARCHAR NOT NULL, 
	operation_id VARCHAR, 
	caller VARCHAR, 
	status INTEGER NOT NULL, 
	duration_ms FLOAT NOT NULL, 
	request_body VARCHAR, 
	response_body VARCHAR, 
	fault VARCHAR, 
	PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS mock_meta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE IF NOT EXISTS mock_snapshots (
	name VARCHAR NOT NULL, 
	created FLOAT NOT NULL, 
	clock_offset FLOAT NOT NULL, 
	clock_frozen_at FLOAT, 
	time_scale FLOAT NOT NULL, 
	data BLOB NOT NULL, 
	PRIMARY KEY (name)
);
CREATE TABLE IF NOT EXISTS mock_state (
	id INTEGER NOT NULL, 
	clock_gen INTEGER NOT NULL, 
	clock_offset FLOAT NOT NULL, 
	clock_frozen_at FLOAT, 
	time_scale FLOAT NOT NULL, 
	controls_gen INTEGER NOT NULL, 
	response_style VARCHAR NOT NULL, 
	journal_bodies BOOLEAN NOT NULL, 
	journal_size INTEGER NOT NULL, 
	faults_gen INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS mock_unknown_fields (
	id INTEGER NOT NULL, 
	operation_id VARCHAR NOT NULL, 
	method VARCHAR NOT NULL, 
	path VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	caller VARCHAR NOT NULL, 
	at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_mock_unknown_fields_caller ON mock_unknown_fields (caller);
CREATE INDEX IF NOT EXISTS ix_mock_unknown_fields_operation_id ON mock_unknown_fields (operation_id);
CREATE TABLE IF NOT EXISTS queued_scripts (
	seq INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	target_id VARCHAR NOT NULL, 
	script VARCHAR NOT NULL, 
	PRIMARY KEY (seq)
);
CREATE INDEX IF NOT EXISTS ix_queued_scripts_kind ON queued_scripts (kind);
CREATE INDEX IF NOT EXISTS ix_queued_scripts_target_id ON queued_scripts (target_id);
CREATE TABLE IF NOT EXISTS resource_groups (
	id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	instance_group_name VARCHAR NOT NULL, 
	instance_type VARCHAR NOT NULL, 
	cpu_count INTEGER NOT NULL, 
	gpu_count INTEGER, 
	memory_in_gib INTEGER NOT NULL, 
	gpumemory_in_gib INTEGER, 
	gpu_model VARCHAR NOT NULL, 
	gpu_type VARCHAR NOT NULL, 
	allow_jobs BOOLEAN NOT NULL, 
	allow_sessions BOOLEAN NOT NULL, 
	allow_models BOOLEAN NOT NULL, 
	allow_applications BOOLEAN NOT NULL, 
	autoscale_min INTEGER NOT NULL, 
	autoscale_max INTEGER NOT NULL, 
	rg_updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_resource_groups_name ON resource_groups (name);
CREATE TABLE IF NOT EXISTS runtime_addons (
	id INTEGER NOT NULL, 
	identifier VARCHAR NOT NULL, 
	component VARCHAR NOT NULL, 
	display_name VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	manageable BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	reason VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (identifier)
);
CREATE TABLE IF NOT EXISTS runtime_repos (
	id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name), 
	UNIQUE (url)
);
CREATE TABLE IF NOT EXISTS runtimes (
	image_identifier VARCHAR NOT NULL, 
	editor VARCHAR NOT NULL, 
	kernel VARCHAR NOT NULL, 
	edition VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	full_version VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	register_user_id INTEGER NOT NULL, 
	PRIMARY KEY (image_identifier)
);
CREATE INDEX IF NOT EXISTS ix_runtimes_editor ON runtimes (editor);
CREATE INDEX IF NOT EXISTS ix_runtimes_kernel ON runtimes (kernel);
CREATE TABLE IF NOT EXISTS site_settings (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE IF NOT EXISTS team_syncs (
	id VARCHAR NOT NULL, 
	sync_type VARCHAR NOT NULL, 
	sync_model VARCHAR NOT NULL, 
	synced_by VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	running_at FLOAT NOT NULL, 
	finished_at FLOAT NOT NULL, 
	total_synced_users INTEGER NOT NULL, 
	total_active_users INTEGER NOT NULL, 
	total_deactivated_users INTEGER NOT NULL, 
	total_synced_teams INTEGER NOT NULL, 
	total_active_teams INTEGER NOT NULL, 
	total_deactivated_teams INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_team_syncs_created_at ON team_syncs (created_at);
CREATE INDEX IF NOT EXISTS ix_team_syncs_sync_type ON team_syncs (sync_type);
CREATE TABLE IF NOT EXISTS teams (
	id INTEGER NOT NULL, 
	username VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	bio VARCHAR NOT NULL, 
	type VARCHAR NOT NULL, 
	synced BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_teams_username ON teams (username);
CREATE TABLE IF NOT EXISTS users (
	id INTEGER NOT NULL, 
	username VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	is_admin BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_username ON users (username);
CREATE TABLE IF NOT EXISTS workspace_spark_defaults (
	is_pushdown BOOLEAN NOT NULL, 
	value VARCHAR NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (is_pushdown)
);
CREATE TABLE IF NOT EXISTS api_keys (
	key_id VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	key_hash VARCHAR NOT NULL, 
	audiences VARCHAR NOT NULL, 
	comments VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	expiry_date VARCHAR NOT NULL, 
	PRIMARY KEY (key_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_api_keys_key_hash ON api_keys (key_hash);
CREATE INDEX IF NOT EXISTS ix_api_keys_user_id ON api_keys (user_id);
CREATE TABLE IF NOT EXISTS copilot_events (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	engine_id VARCHAR NOT NULL, 
	application_id INTEGER NOT NULL, 
	event_type VARCHAR NOT NULL, 
	event_details VARCHAR NOT NULL, 
	model_provider_id VARCHAR NOT NULL, 
	model_name VARCHAR NOT NULL, 
	model_type VARCHAR NOT NULL, 
	include_selection BOOLEAN NOT NULL, 
	prompt_word_count INTEGER NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_copilot_events_user_id ON copilot_events (user_id);
CREATE TABLE IF NOT EXISTS diag_bundles (
	id VARCHAR NOT NULL, 
	requested_by INTEGER NOT NULL, 
	start_time VARCHAR NOT NULL, 
	end_time VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	started_at FLOAT NOT NULL, 
	completed_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(requested_by) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_diag_bundles_created_at ON diag_bundles (created_at);
CREATE TABLE IF NOT EXISTS directory_members (
	cn VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	PRIMARY KEY (cn, user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS machine_users (
	user_id INTEGER NOT NULL, 
	PRIMARY KEY (user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS projects (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	slug VARCHAR NOT NULL, 
	owner_id INTEGER NOT NULL, 
	creator_id INTEGER NOT NULL, 
	description VARCHAR NOT NULL, 
	visibility VARCHAR NOT NULL, 
	default_engine_type VARCHAR NOT NULL, 
	creation_status VARCHAR NOT NULL, 
	shared_memory_limit INTEGER NOT NULL, 
	environment VARCHAR NOT NULL, 
	ephemeral_storage_request INTEGER NOT NULL, 
	ephemeral_storage_limit INTEGER NOT NULL, 
	template VARCHAR NOT NULL, 
	git_url VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(owner_id) REFERENCES users (id), 
	FOREIGN KEY(creator_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_projects_created_at ON projects (created_at);
CREATE INDEX IF NOT EXISTS ix_projects_name ON projects (name);
CREATE INDEX IF NOT EXISTS ix_projects_owner_id ON projects (owner_id);
CREATE TABLE IF NOT EXISTS registered_models (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	visibility VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	owner_id INTEGER NOT NULL, 
	last_number INTEGER NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(creator_id) REFERENCES users (id), 
	FOREIGN KEY(owner_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_registered_models_created_at ON registered_models (created_at);
CREATE UNIQUE INDEX IF NOT EXISTS ix_registered_models_name ON registered_models (name);
CREATE INDEX IF NOT EXISTS ix_registered_models_owner_id ON registered_models (owner_id);
CREATE TABLE IF NOT EXISTS runtime_docker_credentials (
	runtime_identifier VARCHAR NOT NULL, 
	docker_credential_id VARCHAR NOT NULL, 
	PRIMARY KEY (runtime_identifier), 
	FOREIGN KEY(runtime_identifier) REFERENCES runtimes (image_identifier) ON DELETE CASCADE, 
	FOREIGN KEY(docker_credential_id) REFERENCES docker_credentials (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_runtime_docker_credentials_docker_credential_id ON runtime_docker_credentials (docker_credential_id);
CREATE TABLE IF NOT EXISTS team_accelerator_quotas (
	team_id INTEGER NOT NULL, 
	accelerator_id INTEGER NOT NULL, 
	gpu_quota VARCHAR NOT NULL, 
	PRIMARY KEY (team_id, accelerator_id), 
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE, 
	FOREIGN KEY(accelerator_id) REFERENCES accelerator_node_labels (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS team_groups (
	id INTEGER NOT NULL, 
	team_id INTEGER NOT NULL, 
	cn VARCHAR NOT NULL, 
	dn VARCHAR NOT NULL, 
	permission VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (team_id, cn), 
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_team_groups_team_id ON team_groups (team_id);
CREATE TABLE IF NOT EXISTS team_members (
	id INTEGER NOT NULL, 
	team_id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	permission VARCHAR NOT NULL, 
	inherit_permission_from_groups BOOLEAN NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (team_id, user_id), 
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_team_members_team_id ON team_members (team_id);
CREATE INDEX IF NOT EXISTS ix_team_members_user_id ON team_members (user_id);
CREATE TABLE IF NOT EXISTS team_quotas (
	team_id INTEGER NOT NULL, 
	cpu VARCHAR NOT NULL, 
	memory VARCHAR NOT NULL, 
	nvidia_gpu VARCHAR NOT NULL, 
	PRIMARY KEY (team_id), 
	FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS user_accelerator_quotas (
	user_id INTEGER NOT NULL, 
	accelerator_id INTEGER NOT NULL, 
	gpu_quota VARCHAR NOT NULL, 
	PRIMARY KEY (user_id, accelerator_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	FOREIGN KEY(accelerator_id) REFERENCES accelerator_node_labels (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS user_quotas (
	user_id INTEGER NOT NULL, 
	cpu VARCHAR NOT NULL, 
	memory VARCHAR NOT NULL, 
	nvidia_gpu VARCHAR NOT NULL, 
	PRIMARY KEY (user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS v1_keys (
	user_id INTEGER NOT NULL, 
	key_hash VARCHAR NOT NULL, 
	expiry_date VARCHAR NOT NULL, 
	comments VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS applications (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	script VARCHAR NOT NULL, 
	subdomain VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	kernel VARCHAR NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	nvidia_gpu INTEGER NOT NULL, 
	bypass_authentication BOOLEAN NOT NULL, 
	environment VARCHAR NOT NULL, 
	runtime_identifier VARCHAR NOT NULL, 
	runtime_addon_identifiers VARCHAR NOT NULL, 
	run_as INTEGER NOT NULL, 
	cdv_app BOOLEAN NOT NULL, 
	accelerator_label_id INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	resource_profile_id INTEGER NOT NULL, 
	starting_at FLOAT NOT NULL, 
	running_at FLOAT, 
	stop_at FLOAT, 
	stopped_at FLOAT, 
	final_status VARCHAR, 
	script_stopping FLOAT, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	UNIQUE (subdomain), 
	FOREIGN KEY(creator_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_applications_created_at ON applications (created_at);
CREATE INDEX IF NOT EXISTS ix_applications_name ON applications (name);
CREATE INDEX IF NOT EXISTS ix_applications_project_id ON applications (project_id);
CREATE TABLE IF NOT EXISTS collaborators (
	project_id VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	permission VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (project_id, user_id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_collaborators_user_id ON collaborators (user_id);
CREATE TABLE IF NOT EXISTS experiments (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	artifact_location VARCHAR NOT NULL, 
	lifecycle_stage VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	engine_id VARCHAR NOT NULL, 
	tags VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (project_id, name), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_experiments_created_at ON experiments (created_at);
CREATE INDEX IF NOT EXISTS ix_experiments_project_created ON experiments (project_id, created_at, id);
CREATE TABLE IF NOT EXISTS jobs (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	script VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	owner_id INTEGER NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	nvidia_gpu INTEGER NOT NULL, 
	kernel VARCHAR NOT NULL, 
	runtime_identifier VARCHAR NOT NULL, 
	runtime_addon_identifiers VARCHAR NOT NULL, 
	environment VARCHAR NOT NULL, 
	arguments VARCHAR NOT NULL, 
	timeout INTEGER NOT NULL, 
	kill_on_timeout BOOLEAN NOT NULL, 
	schedule VARCHAR NOT NULL, 
	timezone VARCHAR NOT NULL, 
	parent_id VARCHAR, 
	paused BOOLEAN NOT NULL, 
	engine_image_id INTEGER NOT NULL, 
	accelerator_label_id INTEGER NOT NULL, 
	run_as INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	resource_profile_id INTEGER NOT NULL, 
	retry_enabled BOOLEAN NOT NULL, 
	max_retry INTEGER NOT NULL, 
	retry_delay INTEGER NOT NULL, 
	retry_for_script_failure BOOLEAN NOT NULL, 
	retry_for_system_failure BOOLEAN NOT NULL, 
	retry_for_timedout_runs BOOLEAN NOT NULL, 
	retry_for_skipped_runs BOOLEAN NOT NULL, 
	recipients VARCHAR NOT NULL, 
	attachments VARCHAR NOT NULL, 
	success_recipients VARCHAR NOT NULL, 
	failure_recipients VARCHAR NOT NULL, 
	timeout_recipients VARCHAR NOT NULL, 
	stopped_recipients VARCHAR NOT NULL, 
	script_scheduling FLOAT, 
	script_starting FLOAT, 
	script_running FLOAT, 
	script_outcome VARCHAR, 
	script_message VARCHAR NOT NULL, 
	next_cron_at FLOAT, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(creator_id) REFERENCES users (id), 
	FOREIGN KEY(owner_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_jobs_created_at ON jobs (created_at);
CREATE INDEX IF NOT EXISTS ix_jobs_name ON jobs (name);
CREATE INDEX IF NOT EXISTS ix_jobs_next_cron_at ON jobs (next_cron_at);
CREATE INDEX IF NOT EXISTS ix_jobs_parent_id ON jobs (parent_id);
CREATE INDEX IF NOT EXISTS ix_jobs_project_id ON jobs (project_id);
CREATE TABLE IF NOT EXISTS models (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	crn VARCHAR NOT NULL, 
	access_key VARCHAR NOT NULL, 
	auth_enabled BOOLEAN NOT NULL, 
	registered_model_id VARCHAR NOT NULL, 
	visibility VARCHAR NOT NULL, 
	cpu_millicores INTEGER NOT NULL, 
	memory_mb INTEGER NOT NULL, 
	nvidia_gpus INTEGER NOT NULL, 
	num_replicas INTEGER NOT NULL, 
	replication_type VARCHAR NOT NULL, 
	run_as INTEGER NOT NULL, 
	accelerator_label_id INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	resource_profile_id INTEGER NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(creator_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_models_created_at ON models (created_at);
CREATE INDEX IF NOT EXISTS ix_models_name ON models (name);
CREATE INDEX IF NOT EXISTS ix_models_project_id ON models (project_id);
CREATE TABLE IF NOT EXISTS project_files (
	id INTEGER NOT NULL, 
	project_id VARCHAR NOT NULL, 
	path VARCHAR NOT NULL, 
	parent VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	is_dir BOOLEAN NOT NULL, 
	size INTEGER NOT NULL, 
	content BLOB, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (project_id, path), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_project_files_dir ON project_files (project_id, parent, name);
CREATE TABLE IF NOT EXISTS registered_model_versions (
	id VARCHAR NOT NULL, 
	model_id VARCHAR NOT NULL, 
	number INTEGER NOT NULL, 
	version_name VARCHAR NOT NULL, 
	notes VARCHAR NOT NULL, 
	tags VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	project_id VARCHAR NOT NULL, 
	experiment_id VARCHAR NOT NULL, 
	run_id VARCHAR NOT NULL, 
	model_path VARCHAR NOT NULL, 
	workspace_url VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	registered_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (model_id, number), 
	FOREIGN KEY(model_id) REFERENCES registered_models (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_registered_model_versions_model_id ON registered_model_versions (model_id);
CREATE TABLE IF NOT EXISTS experiment_runs (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	experiment_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	status VARCHAR NOT NULL, 
	start_time FLOAT NOT NULL, 
	end_time FLOAT, 
	artifact_uri VARCHAR NOT NULL, 
	inputs VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_experiment_runs_exp_created ON experiment_runs (experiment_id, created_at, id);
CREATE INDEX IF NOT EXISTS ix_experiment_runs_project_id ON experiment_runs (project_id);
CREATE TABLE IF NOT EXISTS job_runs (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	job_id VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	kernel VARCHAR NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	nvidia_gpu INTEGER NOT NULL, 
	runtime_identifier VARCHAR NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	arguments VARCHAR NOT NULL, 
	environment VARCHAR NOT NULL, 
	created_at FLOAT NOT NULL, 
	scheduling_at FLOAT NOT NULL, 
	starting_at FLOAT, 
	running_at FLOAT, 
	finished_at FLOAT, 
	stop_at FLOAT, 
	final_status VARCHAR NOT NULL, 
	message VARCHAR NOT NULL, 
	"trigger" VARCHAR NOT NULL, 
	trigger_key VARCHAR, 
	attempt INTEGER NOT NULL, 
	settled BOOLEAN NOT NULL, 
	retry_at FLOAT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (job_id, trigger_key), 
	FOREIGN KEY(job_id) REFERENCES jobs (id) ON DELETE CASCADE, 
	FOREIGN KEY(creator_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_job_runs_created_at ON job_runs (created_at);
CREATE INDEX IF NOT EXISTS ix_job_runs_job_created ON job_runs (job_id, created_at, id);
CREATE INDEX IF NOT EXISTS ix_job_runs_job_id ON job_runs (job_id);
CREATE INDEX IF NOT EXISTS ix_job_runs_project_id ON job_runs (project_id);
CREATE INDEX IF NOT EXISTS ix_job_runs_retry_at ON job_runs (retry_at);
CREATE INDEX IF NOT EXISTS ix_job_runs_unsettled ON job_runs (settled, finished_at);
CREATE TABLE IF NOT EXISTS model_builds (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	model_id VARCHAR NOT NULL, 
	creator_id INTEGER NOT NULL, 
	crn VARCHAR NOT NULL, 
	comment VARCHAR NOT NULL, 
	file_path VARCHAR NOT NULL, 
	function_name VARCHAR NOT NULL, 
	engine_image VARCHAR NOT NULL, 
	kernel VARCHAR NOT NULL, 
	runtime_identifier VARCHAR NOT NULL, 
	runtime_addon_identifiers VARCHAR NOT NULL, 
	registered_model_version_id VARCHAR NOT NULL, 
	model_root_dir VARCHAR NOT NULL, 
	build_script_path VARCHAR NOT NULL, 
	accelerator_label_id INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	resource_profile_id INTEGER NOT NULL, 
	created_at FLOAT NOT NULL, 
	queued_at FLOAT NOT NULL, 
	pushing_at FLOAT, 
	finished_at FLOAT NOT NULL, 
	final_status VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(model_id) REFERENCES models (id) ON DELETE CASCADE, 
	FOREIGN KEY(creator_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_model_builds_model_created ON model_builds (model_id, created_at, id);
CREATE INDEX IF NOT EXISTS ix_model_builds_model_id ON model_builds (model_id);
CREATE INDEX IF NOT EXISTS ix_model_builds_project_id ON model_builds (project_id);
CREATE TABLE IF NOT EXISTS experiment_run_latest_metrics (
	run_id VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	value FLOAT NOT NULL, 
	timestamp FLOAT NOT NULL, 
	step INTEGER NOT NULL, 
	PRIMARY KEY (run_id, "key"), 
	FOREIGN KEY(run_id) REFERENCES experiment_runs (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_experiment_run_latest_metrics_key ON experiment_run_latest_metrics ("key", value);
CREATE TABLE IF NOT EXISTS experiment_run_metrics (
	seq INTEGER NOT NULL, 
	run_id VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	value FLOAT NOT NULL, 
	timestamp FLOAT NOT NULL, 
	step INTEGER NOT NULL, 
	PRIMARY KEY (seq), 
	FOREIGN KEY(run_id) REFERENCES experiment_runs (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_experiment_run_metrics_key ON experiment_run_metrics (run_id, "key", step);
CREATE TABLE IF NOT EXISTS experiment_run_params (
	run_id VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (run_id, "key"), 
	FOREIGN KEY(run_id) REFERENCES experiment_runs (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS experiment_run_tags (
	run_id VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (run_id, "key"), 
	FOREIGN KEY(run_id) REFERENCES experiment_runs (id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS model_deployments (
	id VARCHAR NOT NULL, 
	project_id VARCHAR NOT NULL, 
	model_id VARCHAR NOT NULL, 
	build_id VARCHAR NOT NULL, 
	deployer_id INTEGER NOT NULL, 
	crn VARCHAR NOT NULL, 
	cpu FLOAT NOT NULL, 
	memory FLOAT NOT NULL, 
	nvidia_gpu INTEGER NOT NULL, 
	replicas INTEGER NOT NULL, 
	environment VARCHAR NOT NULL, 
	accelerator_label_id INTEGER NOT NULL, 
	resource_group_id INTEGER NOT NULL, 
	resource_profile_id INTEGER NOT NULL, 
	created_at FLOAT NOT NULL, 
	deploying_at FLOAT, 
	finished_at FLOAT, 
	final_status VARCHAR NOT NULL, 
	stop_at FLOAT, 
	stopped_at FLOAT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	FOREIGN KEY(model_id) REFERENCES models (id) ON DELETE CASCADE, 
	FOREIGN KEY(build_id) REFERENCES model_builds (id) ON DELETE CASCADE, 
	FOREIGN KEY(deployer_id) REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS ix_model_deployments_build_created ON model_deployments (build_id, created_at, id);
CREATE INDEX IF NOT EXISTS ix_model_deployments_build_id ON model_deployments (build_id);
CREATE INDEX IF NOT EXISTS ix_model_deployments_model_id ON model_deployments (model_id);
CREATE INDEX IF NOT EXISTS ix_model_deployments_project_id ON model_deployments (project_id);
