#!/usr/bin/env bash
# The pipeline's steps, the same in GitHub Actions (.github/workflows/databend.yml) and on a laptop:
#
#   pipeline.sh preview   pull requests: `pulumi preview --diff`; writes $PIPELINE_OUT/preview.md, a
#                         ready-to-post PR comment (summary, then the diff in a ```diff block)
#   pipeline.sh up        main branch: `pulumi up --refresh --yes`. --refresh first reads what is really
#                         on Databend, so an `up` after drift puts back what was dropped or replaced by
#                         hand (the drift check itself never writes state). A second `up` on the same
#                         stack while one runs fails on the backend's lock ("the stack is currently
#                         locked"): let the CI queue runs per stack (`concurrency:` in the workflow)
#   pipeline.sh drift     schedule: `pulumi preview --refresh --expect-no-changes`. Reads Databend and
#                         compares; writes nothing to state. Exits non-zero and names every drifted
#                         resource in $PIPELINE_OUT/drift.md when anything changed out of band. Then
#                         `pulumi-databend audit --connection <this stack's connection>`: exits 3 and
#                         names every stage, managed or not, still holding the connection's old key
#   pipeline.sh destroy   retire the stack (`pulumi destroy --yes`); not wired to any trigger
#
# Environment (from the CI's secret store; nothing is read from files):
#   PULUMI_BACKEND_URL        team state backend, e.g. s3://my-state-bucket?region=eu-west-1
#   PULUMI_CONFIG_PASSPHRASE  passphrase of the stack's secrets provider
#   PULUMI_STACK              stack name (default: prod)
#   DATABEND_DSN              databend://user:password@host:port/db (read by the provider)
#   STAGE_ACCESS_KEY_ID, STAGE_SECRET_ACCESS_KEY, and the AWS_* credentials of the state bucket
#   PIPELINE_OUT              where reports go (default: ./pipeline-out, git-ignored by ./.gitignore)
set -euo pipefail
step="${1:?usage: pipeline.sh preview|up|drift|destroy}"
cd "$(dirname "$0")"

: "${PULUMI_BACKEND_URL:?set PULUMI_BACKEND_URL to the team state backend (s3://bucket?...)}"
: "${PULUMI_CONFIG_PASSPHRASE:?set PULUMI_CONFIG_PASSPHRASE from the CI secret store}"
: "${DATABEND_DSN:?set DATABEND_DSN from the CI secret store}"
export CI=true PULUMI_SKIP_UPDATE_CHECK=true
stack="${PULUMI_STACK:-prod}"
out="${PIPELINE_OUT:-$PWD/pipeline-out}"
mkdir -p "$out"
flags=(--stack "$stack" --non-interactive --color never --suppress-progress)

# An S3-compatible state backend that sends no checksum headers (MinIO, moto, some gateways) makes the
# CLI's AWS SDK print "SDK <time> WARN Response has no supported checksum. Not validating response
# payload." for every object it reads. The notice says nothing about the deployment and would end up
# in the PR comment; this filter drops exactly that line and nothing else (exit codes pass through).
quiet() { sed -u '/WARN Response has no supported checksum\. Not validating response payload\./d'; }

pulumi login --non-interactive "$PULUMI_BACKEND_URL" 2>&1 >/dev/null | quiet >&2
# First run on a new stack creates it (passphrase secrets provider); later runs select it.
pulumi stack select "$stack" --create --secrets-provider passphrase --non-interactive 2>&1 | quiet

# The resources a `--diff` preview plans to change, one per line: "<op> <type> <name>". The preview
# prints "<sign> <type>: (<op>)", then "[id=...]" for existing resources, then "[urn=...::<name>]".
changed_resources() {
  awk '
    match($0, /^ *[-+~<>]* *[A-Za-z0-9:\/_.-]+: \((create|update|replace|delete|create-replacement|delete-replaced|import)\)$/) {
      line = $0; sub(/^ *[-+~<>]* */, "", line)
      type = line; sub(/: \(.*$/, "", type)
      op = line; sub(/^.*: \(/, "", op); sub(/\)$/, "", op)
      pending = 1; next
    }
    pending && /\[urn=/ {
      name = $0; sub(/^.*::/, "", name); sub(/\].*$/, "", name)
      if (type != "pulumi:pulumi:Stack") print op " " type " " name
      pending = 0; next
    }
    pending && /^ *\[id=/ { next }
    { pending = 0 }
  ' "$1" | sort -u
}

case "$step" in
  preview)
    rc=0
    pulumi preview --diff "${flags[@]}" 2>&1 | quiet | tee "$out/preview.txt" || rc=$?
    {
      echo "### \`pulumi preview\` for stack \`$stack\`"
      echo
      if [ "$rc" = 0 ]; then echo "Preview succeeded."; else echo "**Preview failed (exit $rc).**"; fi
      echo
      changes=$(changed_resources "$out/preview.txt")
      if [ -n "$changes" ]; then echo "Changes:"; echo; sed 's/^/- /' <<<"$changes"; else echo "No changes."; fi
      echo
      echo "<details><summary>Full output</summary>"
      echo
      echo '```diff'
      cat "$out/preview.txt"
      echo '```'
      echo "</details>"
    } >"$out/preview.md"
    exit "$rc"
    ;;
  up)
    pulumi up --refresh --yes --diff "${flags[@]}" 2>&1 | quiet | tee "$out/up.txt"
    ;;
  drift)
    rc=0
    pulumi preview --refresh --expect-no-changes --diff "${flags[@]}" 2>&1 | quiet | tee "$out/drift.txt" || rc=$?
    if [ "$rc" != 0 ]; then
      changes=$(changed_resources "$out/drift.txt")
      {
        echo "### Drift on stack \`$stack\`"
        echo
        echo "Databend no longer matches the last deployment. Run the pipeline's \`up\` (or revert the"
        echo "out-of-band change) to converge:"
        echo
        if [ -n "$changes" ]; then sed 's/^/- /' <<<"$changes"; else echo "- (see the log: the preview failed)"; fi
      } >"$out/drift.md"
      echo
      echo "drift detected on stack $stack:"
      sed 's/^/  /' <<<"${changes:-(the preview failed; see above)}"
      exit "$rc"
    fi
    # Stale copies: a stage copies its connection's parameters when it is created, so after a key
    # rotation a stage can still hold the old key while the preview shows no change. The audit reads
    # every stage of the account, managed or not (exit 3 when a copy of this stack's connection is stale).
    conn=$(pulumi stack output connectionName --stack "$stack" --non-interactive 2>/dev/null | quiet || true)
    arc=0
    if [ -n "$conn" ]; then
      node node_modules/pulumi-databend/dist/bin/pulumi-databend.js audit --connection "$conn" --json \
        >"$out/audit.json" || arc=$?
    fi
    if [ "$arc" = 3 ]; then
      stale=$(node -e '
        const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        for (const s of a.stages.filter((x) => x.stale))
          console.log(`stale copy: stage ${s.stage} holds old ${s.differs.join(", ")} of connection ${s.connection ?? s.candidates.join(" or ")}`);
      ' "$out/audit.json")
      {
        echo "### Stale copies on stack \`$stack\`"
        echo
        echo "These stages still hold credentials that connection \`$conn\` no longer has. Re-capture"
        echo "them before revoking the old key: \`DATABEND_RECAPTURE=<stage> pipeline.sh up\` for a stage of"
        echo "this stack, \`ALTER STAGE <stage> SET URL = '<url>' CONNECTION = (CONNECTION_NAME = '$conn')\`"
        echo "for one made by hand:"
        echo
        sed 's/^/- /' <<<"$stale"
      } >"$out/drift.md"
      echo
      echo "drift detected on stack $stack:"
      sed 's/^/  /' <<<"$stale"
      exit 3
    elif [ "$arc" != 0 ]; then
      echo "the stale-copy audit failed (exit $arc)" >&2
      exit "$arc"
    fi
    echo "no drift on stack $stack"
    ;;
  destroy)
    pulumi destroy --yes "${flags[@]}" 2>&1 | quiet | tee "$out/destroy.txt"
    ;;
  *)
    echo "unknown step $step (preview|up|drift|destroy)" >&2
    exit 2
    ;;
esac
