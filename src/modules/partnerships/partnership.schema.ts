import { z } from 'zod';
import { ROLES } from '../../shared/authorization.ts';

export const AGENCY_TYPES = [
  'police', 'local-authority', 'fire-and-rescue', 'probation', 'health', 'ae-site', 'ambulance',
  'youth-offending', 'education', 'voluntary-sector',
] as const;

export const AGENCY_TYPE_LABELS: Record<(typeof AGENCY_TYPES)[number], string> = {
  police: 'Police',
  'local-authority': 'Local authority',
  'fire-and-rescue': 'Fire and rescue',
  probation: 'Probation',
  health: 'Health / ICB',
  'ae-site': 'A&E site',
  ambulance: 'Ambulance trust',
  'youth-offending': 'Youth offending team',
  education: 'Education',
  'voluntary-sector': 'Voluntary sector',
};

export const ZPartnershipSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use 2 to 63 lower-case letters, digits and hyphens'),
  name: z.string().trim().min(2).max(200),
  synthetic: z.boolean().default(false),
});
export type TPartnership = z.infer<typeof ZPartnershipSchema>;

export const ZAgencySchema = z.object({
  name: z.string().trim().min(2, 'Enter the agency name').max(200),
  type: z.enum(AGENCY_TYPES, { message: 'Choose the type of agency' }),
  odsCode: z.string().trim().regex(/^[A-Z0-9]{3,6}$/, 'An ODS code has 3 to 6 capital letters and digits').optional().or(z.literal('').transform(() => undefined)),
});
export type TAgency = z.infer<typeof ZAgencySchema>;

export const ZUserSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter an email address in the correct format, like name@example.org'),
  displayName: z.string().trim().min(2, 'Enter the person’s name').max(200),
  agencyId: z.coerce.number().int().positive('Choose the agency'),
  role: z.enum(ROLES as [string, ...string[]], { message: 'Choose a role' }),
  password: z.string().min(12, 'The password must be at least 12 characters').max(200),
});
export type TUser = z.infer<typeof ZUserSchema>;
