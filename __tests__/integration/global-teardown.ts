/**
 * Runs once after the integration tests. Each test file stops its own moto in `afterAll`,
 * and a moto whose parent dies exits by itself (scripts/lib/moto.mjs), so there is nothing
 * shared to stop; this hook stays so jest.config.js can name it and later suites can use it.
 */
export default function globalTeardown(): void {}
