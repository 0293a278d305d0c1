/**
 * pulumi-databend: Databend connections and stages as Pulumi resources.
 * @packageDocumentation
 */
import { nodeVersionProblem } from "../provider/nodeVersion";
import { exposeModulesToPlugins } from "./nodePath";

const nodeProblem = nodeVersionProblem("pulumi-databend");
if (nodeProblem) throw new Error(nodeProblem);

// Automation API inline programs in a folder without node_modules work without setting `workDir`.
exposeModulesToPlugins();

export { Connection } from "./connection";
export type {
  ConnectionArgs,
  ConnectionArgsBase,
  ConnectionStorageType,
  S3ConnectionArgs,
  AzblobConnectionArgs,
  GcsConnectionArgs,
  OssConnectionArgs,
  CosConnectionArgs,
  ObsConnectionArgs,
  HfConnectionArgs,
  WebhdfsConnectionArgs,
  FsConnectionArgs,
} from "./connection";
export { FileFormat } from "./fileFormat";
export type { FileFormatArgs, FileFormatArgsBase, FileFormatOptions } from "./fileFormat";
export { StageGrant, ConnectionGrant } from "./grant";
export type {
  StageGrantArgs,
  ConnectionGrantArgs,
  GrantArgsBase,
  StagePrivilege,
  ConnectionPrivilege,
} from "./grant";
export { Stage } from "./stage";
export type {
  StageArgs,
  StageCredentials,
  CapturedConnection,
  FileFormat as StageFileFormat,
  CsvFileFormat,
  TsvFileFormat,
  NdjsonFileFormat,
  ParquetFileFormat,
  OrcFileFormat,
  AvroFileFormat,
  TextFileFormat,
  JsonFileFormat,
  XmlFileFormat,
  FileCompression,
  EmptyFieldAs,
  NamedFileFormat,
} from "./stage";
export { getCopyAudit } from "./copyAudit";
export type { GetCopyAuditArgs, CopyAudit, CopyMatch, StageCopyAudit } from "./copyAudit";
export * as aws from "./aws";
