import { postgresAvailable } from '../helpers/databases.js';
import { revocationScenarios } from './revocation-scenarios.js';

revocationScenarios('PostgreSQL, two keyward instances', { dialect: 'postgres', instances: 2, skip: !postgresAvailable });
