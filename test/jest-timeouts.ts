// Integration and end-to-end tiers talk to real PostgreSQL, Kafka and Docker: give each test room.
jest.setTimeout(Number(process.env.JEST_TEST_TIMEOUT_MS ?? 180000));
