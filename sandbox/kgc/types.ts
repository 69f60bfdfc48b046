export type PaymentStatus = 'good' | 'late' | 'blocked';

/** As in customer.updated; tax/id-card numbers exist in the ERP but must never leave the integration. */
export interface KgcCustomer {
  customer_id: string;
  name: string;
  phone: string;
  email?: string | null;
  company?: string | null;
  is_business: boolean;
  created_at: string;
  payment_status?: PaymentStatus;
  marketing_consent?: { email: boolean; updated_at: string } | null;
  active?: boolean;
  tax_number?: string;
  id_card_number?: string;
}

export interface KgcRental {
  rental_id: string;
  customer_id: string;
  customer_phone?: string;
  machine_name: string;
  rental_start: string;
  rental_end: string;
  total_days?: number;
  total_cost?: number;
  status: 'active' | 'late' | 'completed';
  late_days?: number;
  /** KGC's product category of the machine (the new-product audience). */
  category?: string;
}

export interface KgcProduct {
  sku: string;
  name: string;
  category: string;
  arrived_at: string;
}

export interface KgcWorklog {
  worklog_id: string;
  customer_id: string;
  machine_type: string;
  issue_description?: string;
  repair_cost?: number;
  completed_at?: string | null;
  status: string;
  status_hu?: string;
  estimated_completion?: string | null;
  quote_amount?: number | null;
  can_pickup?: boolean;
  /** Set on a worklog opened from a Chatwoot conversation (POST /api/service/worklogs). */
  chatwoot_conversation_id?: number;
}

export interface KgcOrderItem {
  sku: string;
  name: string;
  quantity: number;
  unit_price?: number;
  total?: number;
  status?: string;
}

export interface KgcOrder {
  order_id: string;
  customer_id: string;
  items: KgcOrderItem[];
  total_amount: number;
  order_date: string;
  delivered_at?: string | null;
  status: string;
}
