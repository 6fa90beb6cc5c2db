import { revocationScenarios } from './revocation-scenarios.js';

revocationScenarios('SQLite', { dialect: 'sqlite' });
