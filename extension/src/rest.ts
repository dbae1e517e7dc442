/**
 * The wire format of the server extension's REST API (`docs/rest-api.md`).
 *
 * The interfaces mirror the JSON the handlers send one to one (same snake_case keys, nullable fields
 * typed `| null`, no extra keys), so a change of the contract shows up here first. The contract test
 * (tests/lab/test_rest_contract.py) checks real responses against a JSON Schema generated from them.
 */

// ---------------------------------------------------------------- errors

/** Body of every error the server extension itself answers. */
export interface IErrorBody {
  message: string;
  reason: string | null;
}

/** Body of a scoring server error forwarded by `POST servers/<id>/invocations`. */
export interface IScoringErrorBody {
  error_code: string;
  message: string;
  stack_trace?: string;
}

// ---------------------------------------------------------------- GET info

export interface ILimits {
  max_servers: number;
  server_start_timeout: number;
  invocation_timeout: number;
  scan_max_depth: number;
  scan_timeout: number;
}

export interface IInfo {
  version: string;
  frontend_version: string | null;
  frontend_version_ok: boolean;
  message: string | null;
  python_executable: string;
  limits: ILimits;
  servers_running: number;
}

// ---------------------------------------------------------------- GET models

export interface IModelSummary {
  path: string;
  name: string;
  flavors: string[];
  loader_module: string | null;
  has_signature: boolean;
  has_input_example: boolean;
  utc_time_created: string | null;
  model_uuid: string | null;
  run_id: string | null;
  experiment_id: string | null;
  experiment_name: string | null;
  artifact_path: string | null;
  error: string | null;
}

export type TruncatedReason = 'timeout' | 'depth' | 'limit';

export interface IModelList {
  path: string;
  models: IModelSummary[];
  truncated: boolean;
  truncated_reason: TruncatedReason | null;
}

// ---------------------------------------------------------------- GET models/<path>

export interface IFlavor {
  name: string;
  loader_module: string | null;
  python_version: string | null;
  config: { [key: string]: unknown };
}

export interface ISchemaColumn {
  name: string | null;
  type: string;
  required: boolean;
  shape: number[] | null;
}

export interface ISchema {
  kind: 'columns' | 'tensors';
  columns: ISchemaColumn[];
}

export interface IParamSpec {
  name: string;
  type: string;
  default: unknown;
  shape: number[] | null;
}

export interface ISignature {
  inputs: ISchema | null;
  outputs: ISchema | null;
  params: IParamSpec[];
}

export interface IInputExample {
  path: string;
  type: string | null;
  pandas_orient: string | null;
  data: unknown;
  error: string | null;
}

export type RequirementStatus =
  'ok' | 'missing' | 'mismatch' | 'not_needed' | 'unchecked';

export interface IRequirement {
  requirement: string;
  name: string | null;
  specifier: string | null;
  installed: string | null;
  status: RequirementStatus;
}

export interface ICloudpickleCheck {
  model: string | null;
  installed: string | null;
  ok: boolean | null;
}

export interface IEnvironment {
  python_executable: string | null;
  python_version: string | null;
  model_python_version: string | null;
  python_minor_ok: boolean | null;
  cloudpickle: ICloudpickleCheck | null;
  requirements_file: string | null;
  requirements: IRequirement[];
  missing: string[];
  mismatched: string[];
  problems: string[];
  error: string | null;
}

export interface IModelFile {
  path: string;
  size: number;
  kind: 'file' | 'dir' | 'symlink';
  target?: string;
}

export interface IRunInfo {
  run_id: string | null;
  run_name: string | null;
  status: string | null;
  experiment_id: string | null;
  experiment_name: string | null;
  artifact_path: string | null;
  model_id: string | null;
}

export type TrustVerdict = 'data_only' | 'executes_code' | 'unsafe';

export interface ITrustItem {
  kind: string;
  path: string | null;
  detail: string;
}

export interface ITrust {
  verdict: TrustVerdict;
  summary: string;
  executes_on_load: ITrustItem[];
  unsafe: ITrustItem[];
}

/** The JSON request body MLflow's scoring server accepts (one of the four keys, optional params). */
export type ServingPayload = { [key: string]: unknown };

export interface IModelReport {
  path: string;
  uri: string;
  name: string;
  error: string | null;
  mlflow_version: string | null;
  model_uuid: string | null;
  utc_time_created: string | null;
  model_size_bytes: number | null;
  metadata: { [key: string]: unknown } | null;
  flavors: IFlavor[];
  loader_module: string | null;
  signature: ISignature | null;
  input_example: IInputExample | null;
  serving_input_example: ServingPayload | null;
  environment: IEnvironment | null;
  files: IModelFile[];
  files_truncated: boolean;
  total_size: number;
  run: IRunInfo | null;
  trust: ITrust;
}

// ---------------------------------------------------------------- servers

export type ServerState = 'starting' | 'ready' | 'failed' | 'stopped';

export interface IServer {
  id: string;
  model_path: string;
  state: ServerState;
  pid: number | null;
  url: string | null;
  started_at: string;
  ready_at: string | null;
  stopped_at: string | null;
  exit_code: number | null;
  message: string | null;
  log_tail: string;
}

export interface IServerList {
  servers: IServer[];
  max_servers: number;
}

export interface IStartServerBody {
  model_path: string;
  wait?: boolean;
}

export interface IServerLog {
  id: string;
  log: string;
  lines: number;
  truncated: boolean;
}
