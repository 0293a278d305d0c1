import { stackEnv } from "./stackEnv";

/** Creates a bucket on the local S3 endpoint and puts the given objects in it. */
export async function seedBucket(bucket: string, objects: Record<string, string>): Promise<void> {
  const env = stackEnv();
  const { S3Client, CreateBucketCommand, PutObjectCommand } =
    require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(objects)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  s3.destroy();
}
