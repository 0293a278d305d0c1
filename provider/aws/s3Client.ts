import type * as S3 from "@aws-sdk/client-s3";
import { awsClientConfig } from "./awsClientConfig";
import type { TemporaryCredentials } from "./stsClient";

/**
 * The only module that loads `@aws-sdk/client-s3`, `require`d inside {@link s3Api}. The region is a
 * starting point only: requests follow S3's redirect to the bucket's own region.
 */

/** The S3 calls a verification makes. SDK errors are thrown unchanged. */
export interface S3Api {
  /** Lists at most one key under `prefix` as `credentials` (`s3:ListBucket` with `s3:prefix`). */
  listPrefix(credentials: TemporaryCredentials, bucket: string, prefix: string): Promise<void>;
}

/** An {@link S3Api} backed by `@aws-sdk/client-s3`. */
export function s3Api(): S3Api {
  const sdk = require("@aws-sdk/client-s3") as typeof S3;
  return {
    async listPrefix(credentials, bucket, prefix) {
      const client = new sdk.S3Client({
        ...awsClientConfig(),
        credentials,
        followRegionRedirects: true,
      });
      try {
        await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      } finally {
        client.destroy();
      }
    },
  };
}
