#!/usr/bin/env python3
"""Turns a fresh moto server into an AWS endpoint that checks credentials, like AWS does.

Creates an administrator IAM user with an access key (while moto still accepts anything), then
switches on moto's request authentication: from then on every IAM, STS and S3 call must be signed
with a key moto knows and be allowed by IAM policy, and a wrong key or secret is rejected
(InvalidAccessKeyId / SignatureDoesNotMatch). Prints the key as JSON for scripts/local-stack.

Usage: python scripts/stack/moto_setup.py http://127.0.0.1:PORT
"""
import json
import sys
import urllib.request

import boto3


def main(endpoint: str) -> None:
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
    )
    iam.create_user(UserName="local-stack-admin")
    policy = iam.create_policy(
        PolicyName="local-stack-admin",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    iam.attach_user_policy(UserName="local-stack-admin", PolicyArn=policy["Policy"]["Arn"])
    key = iam.create_access_key(UserName="local-stack-admin")["AccessKey"]
    # From here on moto authenticates and authorises every request (0 unauthenticated calls left).
    req = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
    print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}))


if __name__ == "__main__":
    main(sys.argv[1])
