/* SPDX-License-Identifier: EUPL-1.2 */
#define G_LOG_DOMAIN "sp-followup-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sp-api-client.h"
#include "sp-form.h"
#include "sp-json-util.h"
#include "sp-followup-dialog.h"
#include "sp-city-time.h"

#define SURVEY_OPEN_DAYS 28

typedef struct
{
  char *department;
  char *contact;
  char *address;    /* e-mail address found in the contact, or NULL */
  char *code;       /* NULL until the server gave one */
} Department;

struct _SpFollowupDialog
{
  AdwWindow         parent_instance;

  SpLocalStore     *store;
  SpSyncController *controller;
  char             *event;
  char             *survey_id;
  GPtrArray        *departments;    /* Department */
  GCancellable     *cancellable;
  gulong            syncing_id;

  AdwToastOverlay  *toast_overlay;
  GtkLabel         *intro_label;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  GtkListBox       *mail_list;
};

G_DEFINE_FINAL_TYPE (SpFollowupDialog, sp_followup_dialog, ADW_TYPE_WINDOW)

static void
department_free (Department *d)
{
  g_free (d->department);
  g_free (d->contact);
  g_free (d->address);
  g_free (d->code);
  g_free (d);
}

/* The first word of @contact that looks like an e-mail address. */
static char *
find_address (const char *contact)
{
  g_auto(GStrv) words = g_strsplit_set (contact, " ,;<>()\t\n", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *at = strchr (words[i], '@');

      if (at != NULL && at != words[i] && strchr (at, '.') != NULL)
        return g_strdup (g_str_has_prefix (words[i], "mailto:") ? words[i] + 7 : words[i]);
    }
  return NULL;
}

static void
set_status (SpFollowupDialog *self,
            const char       *text,
            gboolean          busy)
{
  gtk_label_set_text (self->status_label, text);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "followup.codes", !busy);
}

/* -- the survey ------------------------------------------------------------------------- */

static char *
save_row (SpLocalStore  *store,
          const char    *entity,
          JsonObject    *fields,
          GError       **error)
{
  return sp_local_store_save (store, entity, NULL, fields, error);
}

static char *
add_question (SpLocalStore  *store,
              const char    *survey_id,
              int            position,
              const char    *type,
              const char    *text,
              const char    *help,
              int            max,
              GError       **error)
{
  g_autoptr(JsonObject) q = json_object_new ();
  g_autofree char *code = g_strdup_printf ("Q%02d", position);

  json_object_set_string_member (q, "survey_id", survey_id);
  json_object_set_int_member (q, "page", 1);
  json_object_set_int_member (q, "position", position);
  json_object_set_string_member (q, "type", type);
  json_object_set_string_member (q, "code", code);
  json_object_set_string_member (q, "text", text);
  json_object_set_string_member (q, "text_en", "");
  json_object_set_string_member (q, "help", help);
  json_object_set_string_member (q, "help_en", "");
  json_object_set_boolean_member (q, "required", !g_str_equal (type, "text"));
  json_object_set_int_member (q, "min", 0);
  json_object_set_int_member (q, "max", max);
  json_object_set_string_member (q, "condition_question", "");
  json_object_set_string_member (q, "condition_option", "");
  return save_row (store, "survey_question", q, error);
}

static gboolean
add_options (SpLocalStore        *store,
             const char          *question_id,
             const char * const  *labels,
             GError             **error)
{
  for (guint i = 0; labels[i] != NULL; i++)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autofree char *code = g_strdup_printf ("A%u", i + 1);
      g_autofree char *id = NULL;

      json_object_set_string_member (o, "question_id", question_id);
      json_object_set_string_member (o, "kind", "option");
      json_object_set_string_member (o, "code", code);
      json_object_set_string_member (o, "label", labels[i]);
      json_object_set_string_member (o, "label_en", "");
      json_object_set_int_member (o, "position", (gint64) i + 1);
      if (!(id = save_row (store, "survey_option", o, error)))
        return FALSE;
    }
  return TRUE;
}

/* The template: usefulness, use, improvements. */
static char *
create_survey (SpFollowupDialog  *self,
               GError           **error)
{
  const char *use_labels[] = {
    _("Yes, it is already in use"), _("Yes, it is planned"),
    _("Maybe, we are still looking into it"), _("No"), NULL,
  };
  g_autoptr(JsonObject) survey = json_object_new ();
  g_autofree char *title = g_strdup_printf (_("Follow-up: %s"), self->event);
  g_autofree char *intro = g_strdup_printf (_("Thank you for posting a challenge at %s. Please tell us in three short questions how useful the solutions were for your department."),
                                            self->event);
  g_autofree char *opens = sp_city_day (0);
  g_autofree char *closes = sp_city_day (SURVEY_OPEN_DAYS);
  g_autofree char *id = NULL;
  g_autofree char *q1 = NULL;
  g_autofree char *q2 = NULL;
  g_autofree char *q3 = NULL;

  json_object_set_string_member (survey, "title", title);
  json_object_set_string_member (survey, "title_en", "");
  json_object_set_string_member (survey, "intro", intro);
  json_object_set_string_member (survey, "intro_en", "");
  json_object_set_string_member (survey, "privacy",
                                 _("The survey is anonymous. The access code only makes sure that each department answers once; answers are not linked to it."));
  json_object_set_string_member (survey, "privacy_en", "");
  json_object_set_string_member (survey, "thanks", _("Thank you! Your answers help us plan the next hackathon."));
  json_object_set_string_member (survey, "thanks_en", "");
  json_object_set_string_member (survey, "status", "published");
  json_object_set_string_member (survey, "opens", opens);
  json_object_set_string_member (survey, "closes", closes);
  json_object_set_string_member (survey, "access", "code");

  if (!(id = save_row (self->store, "survey", survey, error)) ||
      !(q1 = add_question (self->store, id, 1, "rating",
                           _("How useful were the solutions for your department?"),
                           _("1 = not useful, 5 = very useful"), 5, error)) ||
      !(q2 = add_question (self->store, id, 2, "single",
                           _("Will you use one of the solutions?"), "", 0, error)) ||
      !add_options (self->store, q2, use_labels, error) ||
      !(q3 = add_question (self->store, id, 3, "text",
                           _("What should we improve at the next hackathon?"), "", 2000, error)))
    return NULL;
  return g_steal_pointer (&id);
}

static gboolean
survey_exists (SpFollowupDialog *self,
               const char       *id)
{
  g_autoptr(JsonObject) fields = NULL;

  if (id == NULL || *id == '\0')
    return FALSE;
  fields = sp_form_read_fields (self->store, "survey", id);
  return fields != NULL;
}

/* The challenges of the event: departments, and the survey they share. */
static gboolean
prepare (SpFollowupDialog  *self,
         const char        *challenge_id,
         GError           **error)
{
  g_autoptr(JsonObject) challenge = sp_form_read_fields (self->store, "challenge", challenge_id);
  g_autoptr(GPtrArray) without_survey = g_ptr_array_new_with_free_func (g_free);
  const char *event_date;
  sqlite3_stmt *stmt;

  if (challenge == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The challenge no longer exists"));
      return FALSE;
    }
  self->event = g_strdup (sp_json_get_string_or (challenge, "event", ""));
  if (*self->event == '\0')
    {
      g_free (self->event);
      self->event = g_strdup (sp_json_get_string_or (challenge, "title", ""));
    }
  event_date = sp_json_get_string_or (challenge, "event_date", "");

  stmt = sp_db_prepare (sp_local_store_get_db (self->store),
                        "SELECT id, coalesce(department, ''), coalesce(contact, ''),"
                        "  coalesce(followup_survey_id, '')"
                        " FROM challenge WHERE deleted = 0 AND status <> 'draft'"
                        "  AND (id = ?1 OR (coalesce(event, '') = ?2 AND ?2 <> ''"
                        "                   AND coalesce(event_date, '') = ?3))"
                        " ORDER BY department, title",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, challenge_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sp_json_get_string_or (challenge, "event", ""), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, event_date, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *department = (const char *) sqlite3_column_text (stmt, 1);
      const char *contact = (const char *) sqlite3_column_text (stmt, 2);
      const char *survey = (const char *) sqlite3_column_text (stmt, 3);
      Department *d = NULL;

      if (self->survey_id == NULL && survey_exists (self, survey))
        self->survey_id = g_strdup (survey);
      else if (*survey == '\0' || !survey_exists (self, survey))
        g_ptr_array_add (without_survey, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

      for (guint i = 0; i < self->departments->len && d == NULL; i++)
        {
          Department *other = g_ptr_array_index (self->departments, i);

          if (g_utf8_collate (other->department, department) == 0)
            d = other;
        }
      if (d == NULL)
        {
          d = g_new0 (Department, 1);
          d->department = g_strdup (*department ? department : _("Department not named"));
          d->contact = g_strdup (contact);
          g_ptr_array_add (self->departments, d);
        }
      if (d->address == NULL)
        {
          g_free (d->contact);
          d->contact = g_strdup (contact);
          d->address = find_address (contact);
        }
    }
  sqlite3_reset (stmt);

  if (self->survey_id != NULL && without_survey->len == 0)
    return TRUE;

  /* Create the survey once and link every challenge of the event to it. */
  if (!sp_local_store_begin_batch (self->store, error))
    return FALSE;
  if (self->survey_id == NULL && !(self->survey_id = create_survey (self, error)))
    goto fail;
  for (guint i = 0; i < without_survey->len; i++)
    {
      g_autoptr(JsonObject) link = json_object_new ();
      g_autofree char *id = NULL;

      json_object_set_string_member (link, "followup_survey_id", self->survey_id);
      if (!(id = sp_local_store_save (self->store, "challenge", g_ptr_array_index (without_survey, i),
                                      link, error)))
        goto fail;
    }
  return sp_local_store_end_batch (self->store, error);

fail:
  sp_local_store_cancel_batch (self->store);
  g_clear_pointer (&self->survey_id, g_free);
  return FALSE;
}

/* -- the mail list ------------------------------------------------------------------------- */

static char *
survey_address (SpFollowupDialog *self)
{
  const char *server = sp_sync_controller_get_server_url (self->controller);
  g_autofree char *base = g_strdup (server != NULL && *server ? server : "https://stadtpult.example");

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/surveys/%s", base, self->survey_id);
}

static char *
mail_body (SpFollowupDialog *self,
           Department       *d)
{
  g_autofree char *url = survey_address (self);

  return g_strdup_printf (_("Hello,\n\nthank you for posting a challenge at %s. Please tell us in a short anonymous survey how useful the solutions were for %s:\n\n%s\n\nYour access code: %s\n\nKind regards"),
                          self->event, d->department, url, d->code ? d->code : "");
}

static char *
mailto_uri (SpFollowupDialog *self,
            Department       *d)
{
  g_autofree char *subject = g_strdup_printf (_("Follow-up survey: %s"), self->event);
  g_autofree char *body = mail_body (self, d);
  g_autofree char *subject_q = g_uri_escape_string (subject, NULL, FALSE);
  g_autofree char *body_q = g_uri_escape_string (body, NULL, FALSE);

  return g_strdup_printf ("mailto:%s?subject=%s&body=%s", d->address ? d->address : "",
                          subject_q, body_q);
}

static void
on_write_clicked (GtkButton        *button,
                  SpFollowupDialog *self)
{
  Department *d = g_object_get_data (G_OBJECT (button), "department");
  g_autofree char *uri = mailto_uri (self, d);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
fill_list (SpFollowupDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->mail_list))) != NULL)
    gtk_list_box_remove (self->mail_list, child);

  for (guint i = 0; i < self->departments->len; i++)
    {
      Department *d = g_ptr_array_index (self->departments, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Write Mail"));
      g_autofree char *subtitle = NULL;
      g_autofree char *name = g_strdup_printf (_("Write mail to %s"), d->department);

      if (d->code != NULL)
        subtitle = g_strdup_printf (_("%s · code %s"), *d->contact ? d->contact : _("no contact"), d->code);
      else
        subtitle = g_strdup (*d->contact ? d->contact : _("no contact"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->department);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, d->code != NULL);
      gtk_widget_set_tooltip_text (button, d->address ? d->address : _("No e-mail address in the contact"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (button), "department", d);
      g_signal_connect (button, "clicked", G_CALLBACK (on_write_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->mail_list, row);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "followup.copy", self->departments->len > 0);
}

/* -- codes ------------------------------------------------------------------------------------ */

static void
on_codes (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SpFollowupDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = sp_api_client_request_json_finish (result, NULL, &error);
  g_auto(GStrv) codes = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_autofree char *text = g_strdup_printf (_("Could not generate the access codes: %s"),
                                               error ? error->message : _("unexpected answer"));

      set_status (self, text, FALSE);
      return;
    }

  codes = sp_json_get_strv (json_node_get_object (answer), "codes");
  for (guint i = 0; i < self->departments->len && codes[i] != NULL; i++)
    {
      Department *d = g_ptr_array_index (self->departments, i);

      g_free (d->code);
      d->code = g_strdup (codes[i]);
    }
  fill_list (self);
  set_status (self, _("One access code per department. The codes are shown only now: send the mails before you close this window."), FALSE);
}

static void
request_codes (SpFollowupDialog *self)
{
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/surveys/%s/codes", self->survey_id);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  if (!sp_sync_controller_get_access (self->controller, &base, &token, &ca_file))
    {
      set_status (self, _("Sign in to generate the access codes."), FALSE);
      return;
    }
  json_object_set_int_member (o, "count", self->departments->len);
  json_node_take_object (body, o);
  set_status (self, _("Generating access codes…"), TRUE);
  sp_api_client_request_json_async (base, token, ca_file, "POST", path, body,
                                    self->cancellable, on_codes, g_object_ref (self));
}

static gboolean
survey_pending (SpFollowupDialog *self)
{
  return sp_local_store_is_pending (self->store, "survey", self->survey_id) ||
         sp_local_store_outbox_count (self->store) > 0;
}

static void
on_syncing_changed (SpFollowupDialog *self)
{
  if (sp_sync_controller_get_syncing (self->controller))
    return;
  g_clear_signal_handler (&self->syncing_id, self->controller);
  if (survey_pending (self))
    set_status (self, _("The survey could not be sent to the server yet. Try again when the connection is back."), FALSE);
  else
    request_codes (self);
}

static void
codes_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SpFollowupDialog *self = SP_FOLLOWUP_DIALOG (widget);

  if (self->survey_id == NULL || self->departments->len == 0)
    return;
  if (!sp_sync_controller_get_signed_in (self->controller))
    {
      set_status (self, _("Sign in to generate the access codes."), FALSE);
      return;
    }
  if (!survey_pending (self))
    {
      request_codes (self);
      return;
    }

  /* The server must know the survey before it hands out codes. */
  set_status (self, _("Sending the survey to the server…"), TRUE);
  if (self->syncing_id == 0)
    self->syncing_id = g_signal_connect_object (self->controller, "notify::syncing",
                                                G_CALLBACK (on_syncing_changed), self,
                                                G_CONNECT_SWAPPED);
  sp_sync_controller_sync_now (self->controller);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SpFollowupDialog *self = SP_FOLLOWUP_DIALOG (widget);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->departments->len; i++)
    {
      Department *d = g_ptr_array_index (self->departments, i);
      g_autofree char *body = mail_body (self, d);

      g_string_append_printf (text, "%s <%s>\n%s\n\n", d->department, d->address ? d->address : "", body);
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Mail list copied")));
}

/* -- class ----------------------------------------------------------------------------------- */

static void
sp_followup_dialog_dispose (GObject *object)
{
  SpFollowupDialog *self = SP_FOLLOWUP_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->controller != NULL)
    g_clear_signal_handler (&self->syncing_id, self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), SP_TYPE_FOLLOWUP_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->controller);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sp_followup_dialog_parent_class)->dispose (object);
}

static void
sp_followup_dialog_finalize (GObject *object)
{
  SpFollowupDialog *self = SP_FOLLOWUP_DIALOG (object);

  g_free (self->event);
  g_free (self->survey_id);
  g_ptr_array_unref (self->departments);

  G_OBJECT_CLASS (sp_followup_dialog_parent_class)->finalize (object);
}

static void
sp_followup_dialog_class_init (SpFollowupDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sp_followup_dialog_dispose;
  object_class->finalize = sp_followup_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/stadtpult/Stadtpult/challenges/sp-followup-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SpFollowupDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SpFollowupDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, SpFollowupDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, SpFollowupDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, SpFollowupDialog, mail_list);

  gtk_widget_class_install_action (widget_class, "followup.codes", NULL, codes_action);
  gtk_widget_class_install_action (widget_class, "followup.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sp_followup_dialog_init (SpFollowupDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) department_free);
  self->cancellable = g_cancellable_new ();
}

SpFollowupDialog *
sp_followup_dialog_new (GtkWindow        *parent,
                        SpLocalStore     *store,
                        SpSyncController *controller,
                        const char       *challenge_id)
{
  SpFollowupDialog *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (SP_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (SP_IS_SYNC_CONTROLLER (controller), NULL);
  g_return_val_if_fail (challenge_id != NULL, NULL);

  self = g_object_new (SP_TYPE_FOLLOWUP_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->controller = g_object_ref (controller);

  if (!prepare (self, challenge_id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not prepare the survey: %s"), error->message);

      gtk_label_set_text (self->intro_label, text);
      set_status (self, "", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "followup.codes", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "followup.copy", FALSE);
      return self;
    }

  intro = g_strdup_printf (ngettext ("The survey “Follow-up: %s” asks the department that posted a challenge at the event how useful the solutions were. It is anonymous and open for four weeks.",
                                     "The survey “Follow-up: %s” asks the %u departments that posted challenges at the event how useful the solutions were. It is anonymous and open for four weeks.",
                                     self->departments->len),
                           self->event, self->departments->len);
  gtk_label_set_text (self->intro_label, intro);
  fill_list (self);

  if (sp_sync_controller_get_signed_in (self->controller) && sp_sync_controller_get_online (self->controller))
    codes_action (GTK_WIDGET (self), NULL, NULL);
  else
    set_status (self, _("Offline: the survey is saved on this computer. Generate the access codes once you are online."), FALSE);
  return self;
}
