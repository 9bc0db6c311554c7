// Starts the GOV.UK Frontend components (error summary focus, header menu, details...).
import { initAll } from '/govuk/govuk-frontend.min.js';

initAll();
