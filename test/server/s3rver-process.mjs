// s3rver in a process of its own, started by s3-server.ts. Node 17+ (OpenSSL 3) has DES only
// in the legacy provider, and s3rver encrypts ListObjectsV2 continuation tokens with DES, so
// this process runs with --openssl-legacy-provider; the test process itself needs no flag.
// Prints {"port":N} once listening; stops when its stdin closes (the test process ended).
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.on('end', () => void server.close().finally(() => process.exit(0)));
process.stdin.resume();
