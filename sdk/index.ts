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
export { Stage } from "./stage";
export type {
  StageArgs,
  StageCredentials,
  CapturedConnection,
  FileFormat,
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
export * as aws from "./aws";
