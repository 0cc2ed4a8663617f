/**
 * Runs once before the integration tests: they drive the bundled action (dist/index.js)
 * against moto, so both must be there. Fails the whole run with what to do otherwise.
 */
import { existsSync } from 'node:fs'
import { checkMoto, startMoto } from '../../scripts/lib/moto.mjs'
import { DIST_ENTRY } from '../../scripts/lib/run-action.mjs'

export default async function globalSetup(): Promise<void> {
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(
      `Integration tests run the bundled action, and ${DIST_ENTRY} does not exist: ` +
        'run `npm run build` first.'
    )
  }
  const check = checkMoto()
  if (!check.ok) throw new Error(check.message)
  // Importable is not enough (a missing werkzeug or flask shows only when the server starts).
  const moto = await startMoto()
  await moto.stop()
}
