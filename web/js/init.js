// Starts the GOV.UK Frontend components (error summary focus, header menu, details...).
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();
