import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/clerk';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { JourneyTasksService } from '../journeys';
import { ContactTagsService } from './contact-tags.service';
import { FollowupService } from './followup.service';
import { LibraryService } from './library.service';

@Controller('/')
export class ClerkController {
  @Inject()
  followups!: FollowupService;

  @Inject()
  library!: LibraryService;

  @Inject()
  contactTags!: ContactTagsService;

  @Inject()
  tasks!: JourneyTasksService;

  @Route(api.listFollowups)
  async listFollowups({ params }: RouteParsed<typeof api.listFollowups>, auth: AuthContext) {
    return this.followups.list(auth.staff(), params.externalUserId);
  }

  @Route(api.createFollowup)
  async createFollowup({ params, body }: RouteParsed<typeof api.createFollowup>, auth: AuthContext) {
    return this.followups.create(auth.staff(), params.externalUserId, body);
  }

  @Route(api.createManualTask)
  async createManualTask({ params, body }: RouteParsed<typeof api.createManualTask>, auth: AuthContext) {
    return this.tasks.createManual(auth.staff(), params.externalUserId, { title: body.title, detail: body.detail, dueAt: new Date(body.dueAt) });
  }

  @Route(api.listQuickReplies)
  async listQuickReplies({ query }: RouteParsed<typeof api.listQuickReplies>) {
    return this.library.listReplies(query);
  }

  @Route(api.createQuickReply)
  async createQuickReply({ body }: RouteParsed<typeof api.createQuickReply>, auth: AuthContext) {
    return this.library.createReply(auth.staff(), body);
  }

  @Route(api.updateQuickReply)
  async updateQuickReply({ params, body }: RouteParsed<typeof api.updateQuickReply>) {
    return this.library.updateReply(params.id, body);
  }

  @Route(api.deleteQuickReply)
  async deleteQuickReply({ params }: RouteParsed<typeof api.deleteQuickReply>) {
    return this.library.deleteReply(params.id);
  }

  @Route(api.listMaterials)
  async listMaterials({ query }: RouteParsed<typeof api.listMaterials>) {
    return this.library.listMaterials(query);
  }

  @Route(api.createMaterial)
  async createMaterial({ body }: RouteParsed<typeof api.createMaterial>, auth: AuthContext) {
    return this.library.createMaterial(auth.staff(), body);
  }

  @Route(api.updateMaterial)
  async updateMaterial({ params, body }: RouteParsed<typeof api.updateMaterial>) {
    return this.library.updateMaterial(params.id, body);
  }

  @Route(api.deleteMaterial)
  async deleteMaterial({ params }: RouteParsed<typeof api.deleteMaterial>) {
    return this.library.deleteMaterial(params.id);
  }

  @Route(api.sidebarLibrary)
  async sidebarLibrary({ query }: RouteParsed<typeof api.sidebarLibrary>) {
    return this.library.forSidebar(query.q);
  }

  @Route(api.materialMedia)
  async materialMedia({ params }: RouteParsed<typeof api.materialMedia>) {
    return this.library.mediaFor(params.id);
  }

  @Route(api.sidebarContactTags)
  async sidebarContactTags({ params }: RouteParsed<typeof api.sidebarContactTags>, auth: AuthContext) {
    return this.contactTags.view(auth.staff(), params.externalUserId);
  }

  @Route(api.editContactTags)
  async editContactTags({ params, body }: RouteParsed<typeof api.editContactTags>, auth: AuthContext) {
    return this.contactTags.edit(auth.staff(), params.externalUserId, body);
  }
}
