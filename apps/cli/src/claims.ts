import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InputError } from '@ledger/domain';
import { EvidenceReader } from '@ledger/event-store';
import { ClaimPacket, verifyPacket } from '@ledger/reporting';
import type { CliContext } from './cli-context';

type WithContext = (work: (context: CliContext) => Promise<void>) => Promise<void>;

const short = (digest: string) => `${digest.slice(0, 12)}…`;
const count = (n: number) => n.toLocaleString('en-US');

/** `claims verify FILE`: does a claim packet still match the log? Exit code 1 when it does not. */
export function claimsCommand(withContext: WithContext): Command {
  const claims = new Command('claims').description('check claim packets against the log');
  claims
    .command('verify <file>')
    .description("recompute a packet.json's evidence digest from the log and say whether it still matches (and which run differs when not)")
    .action((file: string) =>
      withContext(async ({ db }) => {
        let packet: ClaimPacket;
        try {
          packet = JSON.parse(await readFile(file, 'utf8')) as ClaimPacket;
        } catch (error) {
          throw new InputError(`cannot read ${file} as JSON: ${(error as Error).message}`);
        }
        const result = await verifyPacket(db, new EvidenceReader(), packet);
        const { terms } = packet.contract;
        console.log(`Claim ${packet.claim.id}: ${terms.platform} → ${terms.provider}, ${packet.claim.period}, ${packet.evidence.runs.length} evidence run(s).`);
        console.log(`  packet: ${count(result.packet.events)} events, digest ${result.packet.digest}`);
        console.log(`  log:    ${count(result.log.events)} events, digest ${result.log.digest}`);
        if (result.matches) {
          console.log('The packet matches the log: the same events, byte for byte.');
          return;
        }
        console.log('The packet does NOT match the log. Runs that differ:');
        for (const run of result.runs.filter((r) => !r.matches)) {
          console.log(`  ${run.start} – ${run.end}: packet ${count(run.packet.events)} events (${short(run.packet.digest)}), log ${count(run.log.events)} events (${short(run.log.digest)})`);
        }
        process.exitCode = 1;
      }),
    );
  return claims;
}
